export type HardwareKind = 'cpu' | 'nvidia-gpu' | 'amd-gpu' | 'fpga';

export const HARDWARE_KINDS: readonly HardwareKind[] = ['cpu', 'nvidia-gpu', 'amd-gpu', 'fpga'];

export interface CpuInfo {
  model: string;
  architecture: string;
  cores: number;
  threadsPerCore?: number;
  sockets?: number;
}

/** A GPU or FPGA card found by its vendor's tool. */
export interface AcceleratorInfo {
  kind: Exclude<HardwareKind, 'cpu'>;
  vendor: string;
  model: string;
  memoryMiB?: number;
  driverVersion?: string;
  firmwareVersion?: string;
  /** FPGAs: the platform or shell the card runs. */
  platform?: string;
  /** FPGAs: the loaded bitstream (xclbin UUID, aocx name). */
  bitstream?: string;
  /** Tool-specific identity, such as a PCI bus id or serial. Not part of the class. */
  id?: string;
}

/**
 * What a benchmark ran on. Results are only compared within one `class`: a hash over the
 * parts that change performance (CPU model and cores, OS, accelerator models, memory,
 * drivers, bitstreams), not over identities such as serial numbers.
 */
export interface HardwareFingerprint {
  class: string;
  kind: HardwareKind;
  os: { platform: string; release: string };
  cpu: CpuInfo;
  memoryMiB: number;
  accelerators: AcceleratorInfo[];
}
