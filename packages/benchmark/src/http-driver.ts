import { UserError } from '@envoy/core';
import type { Driver } from './driver.js';

// TODO: wire @envoy/loadgen's scenarios once they are exported.
export const httpDriver: Driver = {
  name: 'http',
  async run() {
    throw new UserError('the http driver is not available yet');
  },
};
