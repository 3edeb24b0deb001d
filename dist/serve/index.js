import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
var __webpack_exports__ = {};

;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: external "node:url"
const external_node_url_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");
;// CONCATENATED MODULE: ./packages/core/src/errors.ts
/**
 * A mistake the user can fix (bad settings, bad input, unknown model). Reported as a
 * plain message, never with a stack trace, and always with a non-zero exit.
 */
class errors_UserError extends Error {
    location;
    name = 'UserError';
    constructor(message, location) {
        super(message);
        this.location = location;
    }
}
/** Several user mistakes found together, reported at once. */
class UserErrors extends errors_UserError {
    problems;
    name = 'UserErrors';
    constructor(problems) {
        super(problems.map((problem) => problem.message).join('\n'));
        this.problems = problems;
    }
}
/** An external tool (git, nvidia-smi, npm) failed. Carries the tool's last stderr lines. */
class ToolError extends Error {
    tool;
    args;
    exitCode;
    stderrTail;
    name = 'ToolError';
    constructor(tool, args, exitCode, stderrTail) {
        super(`${tool} ${args.join(' ')} exited with ${exitCode}` + (stderrTail ? `: ${stderrTail}` : ''));
        this.tool = tool;
        this.args = args;
        this.exitCode = exitCode;
        this.stderrTail = stderrTail;
    }
}
/** Formats a location as `file:line:column` (parts that are unknown are left out). */
function formatLocation(location) {
    let text = location.file;
    if (location.line !== undefined)
        text += `:${location.line}`;
    if (location.column !== undefined)
        text += `:${location.column}`;
    return text;
}
/** Turns anything thrown into a message fit for a user: no stack for a UserError. */
function describeError(error) {
    if (error instanceof Error)
        return error.message;
    return String(error);
}

;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
;// CONCATENATED MODULE: ./packages/core/src/exec.ts


/** Thrown when a tool is not installed. Callers that probe for tools treat it as "absent". */
class ToolMissingError extends Error {
    tool;
    name = 'ToolMissingError';
    constructor(tool) {
        super(`${tool} is not installed or not on PATH`);
        this.tool = tool;
    }
}
/** The exit code given to a tool that a signal ended. */
const SIGNALLED_EXIT_CODE = 128;
/** Thrown when a tool runs past its `timeoutMs`; `output` is what it printed until then. */
class ToolTimeoutError extends ToolError {
    timeoutMs;
    output;
    name = 'ToolTimeoutError';
    constructor(tool, args, timeoutMs, output) {
        super(tool, args, output.exitCode, lastLines(output.stderr));
        this.timeoutMs = timeoutMs;
        this.output = output;
        this.message =
            `${tool} ${args.join(' ')} timed out after ${timeoutMs / 1000} s` +
                (this.stderrTail ? `: ${this.stderrTail}` : '');
    }
}
const STDERR_TAIL_LINES = 5;
/** How long a timed-out tool's process group gets to exit on SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 2000;
function lastLines(text, count = STDERR_TAIL_LINES) {
    return text.trimEnd().split('\n').slice(-count).join('\n');
}
/** The real runner, on child_process.spawn. */
class ProcessToolRunner {
    log;
    constructor(log) {
        this.log = log;
    }
    run(tool, args, options = {}) {
        this.log?.debug(`ProcessToolRunner.run: ${[tool, ...args].map(quoteForLog).join(' ')}`);
        return new Promise((resolve, reject) => {
            const { timeoutMs } = options;
            // Windows has no process groups to signal: there only the tool itself is stopped.
            const ownGroup = Boolean(timeoutMs) && process.platform !== 'win32';
            const child = (0,external_node_child_process_namespaceObject.spawn)(tool, args, {
                cwd: options.cwd,
                env: options.env ?? process.env,
                stdio: ['pipe', 'pipe', 'pipe'],
                detached: ownGroup,
            });
            const group = ownGroup ? child.pid : undefined;
            if (group !== undefined)
                trackGroup(group);
            const printed = collectOutput(child);
            let settled = false;
            let timedOut = false;
            const release = () => {
                if (group !== undefined && !timedOut)
                    releaseGroup(group);
            };
            const settle = (finish) => {
                if (settled)
                    return;
                settled = true;
                clearTimeout(timer);
                finish();
            };
            // Not spawn's own `timeout`: its timer outlives a tool that never started (ENOENT).
            const timer = timeoutMs
                ? setTimeout(() => {
                    timedOut = true;
                    stopAtDeadline(child, group);
                    const output = { exitCode: SIGNALLED_EXIT_CODE, ...printed() };
                    settle(() => reject(new ToolTimeoutError(tool, args, timeoutMs, output)));
                }, timeoutMs)
                : undefined;
            child.on('error', (error) => {
                release();
                settle(() => reject(error.code === 'ENOENT' ? new ToolMissingError(tool) : error));
            });
            child.on('close', (code, signal) => {
                release();
                const output = { exitCode: code ?? (signal ? SIGNALLED_EXIT_CODE : 1), ...printed() };
                const failed = output.exitCode !== 0 && !options.allowFailure;
                settle(() => failed
                    ? reject(new ToolError(tool, args, output.exitCode, lastLines(output.stderr)))
                    : resolve(output));
            });
            child.stdin.on('error', () => undefined);
            child.stdin.end(options.input ?? '');
        });
    }
}
/** Gathers what a tool prints; the returned function reads it so far. */
function collectOutput(child) {
    const stdout = [];
    const stderr = [];
    child.stdout.on('data', (chunk) => stdout.push(chunk));
    child.stderr.on('data', (chunk) => stderr.push(chunk));
    return () => ({
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
    });
}
/**
 * Stops a tool at its deadline: SIGTERM to its group now, SIGKILL after the grace (Envoy need
 * not stay up for that: see killLiveGroups). A process the tool started may hold the pipes
 * open, so they are closed on this side rather than waited for.
 */
function stopAtDeadline(child, group) {
    if (group === undefined) {
        child.kill('SIGTERM');
    }
    else {
        signalGroup(group, 'SIGTERM');
        const kill = setTimeout(() => {
            signalGroup(group, 'SIGKILL');
            releaseGroup(group);
        }, KILL_GRACE_MS);
        kill.unref();
    }
    child.stdout.destroy();
    child.stderr.destroy();
}
/**
 * Process groups (named by their leader's pid) of tools running under a deadline. Started
 * detached, they miss the terminal's Ctrl-C, so Envoy kills them if it exits or is stopped
 * while they run.
 */
const liveGroups = new Set();
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'];
function trackGroup(group) {
    if (liveGroups.size === 0) {
        process.on('exit', killLiveGroups);
        for (const signal of STOP_SIGNALS)
            process.on(signal, killLiveGroups);
    }
    liveGroups.add(group);
}
function releaseGroup(group) {
    if (!liveGroups.delete(group) || liveGroups.size > 0)
        return;
    process.off('exit', killLiveGroups);
    for (const signal of STOP_SIGNALS)
        process.off(signal, killLiveGroups);
}
/**
 * The one process-level handler, on exit, SIGINT and SIGTERM: kills every live group. Listening
 * to a signal replaces Node's default of ending the process, so when no other listener is left
 * the signal is raised again to end Envoy as it would have ended.
 */
function killLiveGroups(event) {
    for (const group of [...liveGroups]) {
        signalGroup(group, 'SIGKILL');
        releaseGroup(group);
    }
    if (typeof event === 'string' && process.listenerCount(event) === 0) {
        process.kill(process.pid, event);
    }
}
function signalGroup(group, signal) {
    try {
        process.kill(-group, signal);
    }
    catch {
        // Already gone (ESRCH), or holding only processes not ours to signal (EPERM).
    }
}
function quoteForLog(word) {
    return /^[\w@%+=:,./-]+$/.test(word) ? word : JSON.stringify(word);
}

;// CONCATENATED MODULE: external "node:fs/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");
;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: ./packages/core/src/files.ts



/**
 * Writes a file so that readers see either the old or the new content, never a part:
 * the bytes go to a temporary file beside the target, which is then renamed over it.
 */
async function writeFileAtomic(path, content) {
    await mkdir(dirname(path), { recursive: true });
    const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
        await writeFile(temporary, content, { flush: true });
        await rename(temporary, path);
    }
    catch (error) {
        await rm(temporary, { force: true });
        throw error;
    }
}
/** Writes JSON with two-space indentation and a final newline, atomically. */
async function writeJsonAtomic(path, value) {
    await writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}
async function readJson(path) {
    return JSON.parse(await readFile(path, 'utf8'));
}
/** Reads JSON, or returns undefined when the file does not exist. */
async function readJsonIfExists(path) {
    try {
        return await readJson(path);
    }
    catch (error) {
        if (error.code === 'ENOENT')
            return undefined;
        throw error;
    }
}

;// CONCATENATED MODULE: ./packages/core/src/model.ts
/** Parses a version given as text or number; returns undefined when it is not a positive integer. */
function parseVersionNumber(value) {
    const text = String(value).trim();
    if (!/^[1-9]\d*$/.test(text))
        return undefined;
    const version = Number(text);
    return Number.isSafeInteger(version) ? version : undefined;
}

;// CONCATENATED MODULE: ./packages/core/src/index.ts








;// CONCATENATED MODULE: external "node:module"
const external_node_module_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:module");
;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: ./packages/onnx/src/runtime.ts




/** The onnxruntime-node release Envoy installs when the runner has none. */
const ONNXRUNTIME_VERSION = '1.30.0';
const MODULE_NAME = 'onnxruntime-node';
/**
 * Loads ONNX Runtime. Its native binaries are large and platform-specific, so the action
 * bundles never carry them: an installed copy is used when one can be resolved (a
 * repository's node_modules, a tool cache), otherwise the pinned release is installed
 * with npm into `installDirectory`, where a GPU runner's npm also fetches the CUDA build.
 */
async function loadOnnxRuntime(location, tools, log) {
    const candidates = [...location.searchFrom];
    if (location.installDirectory)
        candidates.push(location.installDirectory);
    const found = findOnnxRuntime(candidates);
    if (found) {
        log.debug(`loadOnnxRuntime: using ${found}`);
        return importRuntime(found);
    }
    if (!location.installDirectory) {
        throw new errors_UserError(`${MODULE_NAME} is not installed: run "npm install ${MODULE_NAME}@${ONNXRUNTIME_VERSION}"`);
    }
    return installRuntime(location.installDirectory, tools, log);
}
async function installRuntime(directory, tools, log) {
    log.info(`Installing ${MODULE_NAME}@${ONNXRUNTIME_VERSION} into ${directory}`);
    await tools.run('npm', [
        'install',
        '--no-save',
        '--no-audit',
        '--no-fund',
        '--prefix',
        directory,
        `${MODULE_NAME}@${ONNXRUNTIME_VERSION}`,
    ]);
    const installed = findOnnxRuntime([directory]);
    if (!installed)
        throw new Error(`npm installed ${MODULE_NAME} but it cannot be resolved`);
    return importRuntime(installed);
}
/** The resolved path of an installed onnxruntime-node in one of `directories`, if any. */
function findOnnxRuntime(directories) {
    for (const directory of directories) {
        try {
            const require = (0,external_node_module_namespaceObject.createRequire)((0,external_node_path_namespaceObject.join)(directory, 'noop.js'));
            const resolved = require.resolve(MODULE_NAME);
            if ((0,external_node_fs_namespaceObject.existsSync)(resolved))
                return resolved;
        }
        catch {
            continue;
        }
    }
    return undefined;
}
async function importRuntime(resolvedPath) {
    const require = (0,external_node_module_namespaceObject.createRequire)(resolvedPath);
    return require(resolvedPath);
}

;// CONCATENATED MODULE: ./packages/onnx/src/signature.ts
/** Reads a loaded session's inputs and outputs with their element types and shapes. */
function readSignature(session) {
    return {
        inputs: session.inputMetadata.map(toTensorSpec),
        outputs: session.outputMetadata.map(toTensorSpec),
    };
}
function toTensorSpec(metadata) {
    if (!metadata.isTensor)
        return { name: metadata.name, type: 'non-tensor', shape: [] };
    return { name: metadata.name, type: metadata.type, shape: [...metadata.shape] };
}
/** Opens a model file and reads its signature. */
async function readModelSignature(runtime, modelPath) {
    const session = await runtime.InferenceSession.create(modelPath);
    try {
        return readSignature(session);
    }
    finally {
        await session.release();
    }
}

;// CONCATENATED MODULE: ./packages/onnx/src/feeds.ts

/** Resolves every model input to a concrete shape and fill, or explains what is missing. */
function resolveFeeds(signature, options) {
    return signature.inputs.map((input) => resolveFeed(input, options));
}
function resolveFeed(input, options) {
    const override = options.inputs[input.name] ?? {};
    const shape = (override.shape ?? input.shape).map((dimension) => resolveDimension(input.name, dimension, options.dimensions));
    const fill = override.fill ?? (override.value !== undefined ? 'constant' : 'random');
    return {
        name: input.name,
        type: override.type ?? input.type,
        shape,
        fill,
        value: override.value ?? 0,
    };
}
function resolveDimension(inputName, dimension, dimensions) {
    if (typeof dimension === 'number')
        return dimension;
    const size = dimensions[dimension];
    if (size !== undefined)
        return size;
    const what = dimension === '' ? 'an unnamed symbolic dimension' : `dimension "${dimension}"`;
    const hint = dimension === ''
        ? `set benchmark.inputs.${inputName}.shape`
        : `set benchmark.dimensions.${dimension} or benchmark.inputs.${inputName}.shape`;
    throw new UserError(`input "${inputName}" has ${what} with no size: ${hint}`);
}
/** Element values for a feed, as plain numbers (JSON-friendly, e.g. for an inference request). */
function feedValues(spec, random = Math.random) {
    const count = spec.shape.reduce((product, size) => product * size, 1);
    const integral = /int|bool/.test(spec.type);
    const valueAt = () => {
        if (spec.fill === 'zeros')
            return 0;
        if (spec.fill === 'ones')
            return 1;
        if (spec.fill === 'constant')
            return spec.value;
        return integral ? Math.floor(random() * 2) : random() * 2 - 1;
    };
    return Array.from({ length: count }, valueAt);
}
/** How to pack plain numbers into the typed array ONNX Runtime wants, per element type. */
const PACKERS = {
    float32: (values) => Float32Array.from(values),
    float64: (values) => Float64Array.from(values),
    int8: (values) => Int8Array.from(values),
    uint8: (values) => Uint8Array.from(values),
    int16: (values) => Int16Array.from(values),
    uint16: (values) => Uint16Array.from(values),
    int32: (values) => Int32Array.from(values),
    uint32: (values) => Uint32Array.from(values),
    int64: (values) => BigInt64Array.from(values, (value) => BigInt(value)),
    uint64: (values) => BigUint64Array.from(values, (value) => BigInt(value)),
    bool: (values) => Uint8Array.from(values, (value) => (value ? 1 : 0)),
};
/** Whether `tensorFromValues` can build a tensor of this element type. */
function isSupportedTensorType(type) {
    return type in PACKERS;
}
/** A tensor of element `type` and `shape` holding `values` (integers for int64 types). */
function tensorFromValues(runtime, type, values, shape) {
    const pack = PACKERS[type];
    if (!pack)
        throw new errors_UserError(`tensor type "${type}" is not supported`);
    return new runtime.Tensor(type, pack(values), shape);
}
/** Builds an ONNX Runtime tensor for a feed. */
function createTensor(runtime, spec, random) {
    if (!isSupportedTensorType(spec.type)) {
        throw new UserError(`input "${spec.name}" has unsupported type "${spec.type}"`);
    }
    return tensorFromValues(runtime, spec.type, feedValues(spec, random), spec.shape);
}

;// CONCATENATED MODULE: ./packages/onnx/src/index.ts




;// CONCATENATED MODULE: external "node:util"
const external_node_util_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");
;// CONCATENATED MODULE: ./packages/deploy/src/arguments.ts


/** Reads the serve entry's flags: --model-file, --model-name, --version, --host, --port. */
function parseServeArguments(argv) {
    let values;
    try {
        ({ values } = (0,external_node_util_namespaceObject.parseArgs)({
            args: argv,
            strict: true,
            allowPositionals: false,
            options: {
                'model-file': { type: 'string' },
                'model-name': { type: 'string' },
                version: { type: 'string' },
                host: { type: 'string', default: '127.0.0.1' },
                port: { type: 'string', default: '0' },
            },
        }));
    }
    catch (error) {
        throw new errors_UserError(describeError(error));
    }
    const modelFile = required(values['model-file'], '--model-file');
    const modelName = required(values['model-name'], '--model-name');
    const versionText = required(values.version, '--version');
    const version = parseVersionNumber(versionText);
    if (version === undefined) {
        throw new errors_UserError(`--version "${versionText}" is not a positive integer`);
    }
    const port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port > 65535) {
        throw new errors_UserError(`--port "${values.port}" is not a port number (0 to 65535)`);
    }
    return { modelFile, modelName, version, host: values.host, port };
}
function required(value, flag) {
    if (value === undefined || value === '')
        throw new errors_UserError(`${flag} is required`);
    return value;
}

;// CONCATENATED MODULE: external "node:http"
const external_node_http_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");
;// CONCATENATED MODULE: ./packages/deploy/src/tensors.ts
/** ONNX element types and their Open Inference Protocol (KServe v2) datatype names. */
const V2_DATATYPES = {
    bool: 'BOOL',
    uint8: 'UINT8',
    uint16: 'UINT16',
    uint32: 'UINT32',
    uint64: 'UINT64',
    int8: 'INT8',
    int16: 'INT16',
    int32: 'INT32',
    int64: 'INT64',
    float16: 'FP16',
    float32: 'FP32',
    float64: 'FP64',
    string: 'BYTES',
};
/** The v2 datatype of an ONNX element type, e.g. float32 → FP32. */
function toV2Datatype(onnxType) {
    return V2_DATATYPES[onnxType] ?? onnxType.toUpperCase();
}
function tensorMetadata(spec) {
    return {
        name: spec.name,
        datatype: toV2Datatype(spec.type),
        shape: spec.shape.map((dimension) => (typeof dimension === 'number' ? dimension : -1)),
    };
}
function modelMetadata(name, version, signature) {
    return {
        name,
        versions: [String(version)],
        platform: 'onnxruntime_onnx',
        inputs: signature.inputs.map(tensorMetadata),
        outputs: signature.outputs.map(tensorMetadata),
    };
}
function elementCount(shape) {
    return shape.reduce((product, size) => product * size, 1);
}

;// CONCATENATED MODULE: ./packages/deploy/src/request.ts

/** A request the client got wrong; answered with 400 and this message. */
class BadInferenceRequest extends Error {
    name = 'BadInferenceRequest';
}
/** Checks an inference request against the model's signature, naming the first problem. */
function checkInferenceRequest(body, signature) {
    if (!isObject(body))
        throw new BadInferenceRequest('the request body must be a JSON object');
    if (body.id !== undefined && typeof body.id !== 'string') {
        throw new BadInferenceRequest('"id" must be a string');
    }
    if (!Array.isArray(body.inputs))
        throw new BadInferenceRequest('"inputs" must be an array');
    const inputs = body.inputs.map((input, index) => checkInput(input, index, signature));
    const given = new Set();
    for (const input of inputs) {
        if (given.has(input.name))
            throw new BadInferenceRequest(`input "${input.name}" is given twice`);
        given.add(input.name);
    }
    const missing = signature.inputs.filter((spec) => !given.has(spec.name));
    if (missing.length > 0) {
        const names = missing.map((spec) => `"${spec.name}"`).join(', ');
        throw new BadInferenceRequest(`missing input ${names}`);
    }
    return { id: body.id, inputs, outputs: checkOutputs(body.outputs, signature) };
}
function checkInput(input, index, signature) {
    if (!isObject(input) || typeof input.name !== 'string') {
        throw new BadInferenceRequest(`inputs[${index}] must be an object with a "name"`);
    }
    const spec = signature.inputs.find((candidate) => candidate.name === input.name);
    if (!spec) {
        const known = signature.inputs.map((candidate) => `"${candidate.name}"`).join(', ');
        throw new BadInferenceRequest(`unknown input "${input.name}": the model's inputs are ${known}`);
    }
    const expected = toV2Datatype(spec.type);
    if (input.datatype !== expected) {
        throw new BadInferenceRequest(`input "${spec.name}" has datatype ${JSON.stringify(input.datatype)}: the model expects "${expected}"`);
    }
    const shape = checkShape(spec, input.shape);
    const values = checkData(spec, shape, input.data);
    return { name: spec.name, type: spec.type, shape, values };
}
function checkShape(spec, shape) {
    const expected = tensorMetadata(spec).shape;
    const wanted = `the model expects [${expected.join(',')}] (-1: any size)`;
    if (!Array.isArray(shape) || !shape.every((size) => Number.isSafeInteger(size) && size >= 0)) {
        throw new BadInferenceRequest(`input "${spec.name}" has shape ${JSON.stringify(shape)}: a shape is a list of sizes; ${wanted}`);
    }
    const fits = shape.length === expected.length &&
        expected.every((size, axis) => size === -1 || size === shape[axis]);
    if (!fits) {
        throw new BadInferenceRequest(`input "${spec.name}" has shape [${shape.join(',')}]: ${wanted}`);
    }
    return shape;
}
function checkData(spec, shape, data) {
    if (!Array.isArray(data))
        throw new BadInferenceRequest(`input "${spec.name}" has no "data" list`);
    const values = data.flat(Infinity);
    const count = elementCount(shape);
    if (values.length !== count) {
        throw new BadInferenceRequest(`input "${spec.name}" has ${values.length} values: shape [${shape.join(',')}] needs ${count}`);
    }
    const fits = elementCheck(spec.type);
    const bad = values.findIndex((value) => !fits(value));
    if (bad !== -1) {
        throw new BadInferenceRequest(`input "${spec.name}" value ${JSON.stringify(values[bad])} at index ${bad} is not ${toV2Datatype(spec.type)}`);
    }
    return values;
}
function elementCheck(type) {
    if (type === 'bool')
        return (value) => typeof value === 'boolean';
    if (type === 'string')
        return (value) => typeof value === 'string';
    if (/int/.test(type))
        return (value) => Number.isSafeInteger(value);
    return (value) => typeof value === 'number' && Number.isFinite(value);
}
function checkOutputs(outputs, signature) {
    const all = signature.outputs.map((spec) => spec.name);
    if (outputs === undefined)
        return all;
    if (!Array.isArray(outputs))
        throw new BadInferenceRequest('"outputs" must be an array');
    return outputs.map((output, index) => {
        const name = isObject(output) ? output.name : undefined;
        if (typeof name !== 'string') {
            throw new BadInferenceRequest(`outputs[${index}] must be an object with a "name"`);
        }
        if (!all.includes(name)) {
            throw new BadInferenceRequest(`unknown output "${name}": the model's outputs are ${all.join(', ')}`);
        }
        return name;
    });
}
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}

;// CONCATENATED MODULE: ./packages/deploy/src/server.ts





/** Request bodies above this size are refused with 413. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** The name and version GET /v2 reports. */
const SERVER_NAME = 'envoy';
const SERVER_VERSION = '0.1.0';
/**
 * Serves one ONNX model over the Open Inference Protocol (KServe v2) REST API. The model
 * is loaded before the port opens, so a listening server is a ready one.
 */
async function startInferenceServer(options) {
    const session = await options.runtime.InferenceSession.create(options.modelFile);
    const model = {
        name: options.modelName,
        version: options.version,
        signature: readSignature(session),
        session,
        runtime: options.runtime,
    };
    const server = (0,external_node_http_namespaceObject.createServer)((request, response) => {
        route(request, response, model).catch((error) => {
            sendJson(response, 500, { error: describeError(error) });
        });
    });
    const address = await listen(server, options.host, options.port);
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return {
        url: `http://${host}:${address.port}`,
        close: async () => {
            await new Promise((resolve) => {
                server.close(() => resolve());
                server.closeAllConnections();
            });
            await session.release();
        },
    };
}
function listen(server, host, port) {
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve(server.address()));
    });
}
const MODEL_PATH = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/infer)?$/;
async function route(request, response, model) {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
    const method = request.method ?? 'GET';
    const simple = {
        '/v2/health/live': { live: true },
        '/v2/health/ready': { ready: true },
        '/v2': { name: SERVER_NAME, version: SERVER_VERSION, extensions: [] },
    };
    if (path in simple) {
        if (method !== 'GET')
            return refuseMethod(response, 'GET');
        return sendJson(response, 200, simple[path]);
    }
    const match = MODEL_PATH.exec(path);
    if (!match)
        return sendJson(response, 404, { error: `no such endpoint: ${path}` });
    const problem = unknownModel(model, decodeURIComponent(match[1]), match[2]);
    if (problem)
        return sendJson(response, 404, { error: problem });
    if (match[3] === '/infer') {
        if (method !== 'POST')
            return refuseMethod(response, 'POST');
        return infer(request, response, model);
    }
    if (method !== 'GET')
        return refuseMethod(response, 'GET');
    if (match[3] === '/ready')
        return sendJson(response, 200, { name: model.name, ready: true });
    sendJson(response, 200, modelMetadata(model.name, model.version, model.signature));
}
function unknownModel(model, name, version) {
    if (name !== model.name)
        return `unknown model "${name}": this server serves "${model.name}"`;
    if (version !== undefined && version !== String(model.version)) {
        return `model "${name}" has no version "${decodeURIComponent(version)}": this server serves version ${model.version}`;
    }
    return undefined;
}
async function infer(request, response, model) {
    let checked;
    try {
        checked = checkInferenceRequest(await readJsonBody(request), model.signature);
    }
    catch (error) {
        if (error instanceof BadInferenceRequest)
            return sendJson(response, 400, { error: error.message });
        if (error instanceof BodyTooLarge)
            return sendJson(response, 413, { error: error.message });
        throw error;
    }
    const feeds = Object.fromEntries(checked.inputs.map((input) => [input.name, createInputTensor(model.runtime, input)]));
    const results = await model.session.run(feeds, checked.outputs);
    sendJson(response, 200, {
        model_name: model.name,
        model_version: String(model.version),
        ...(checked.id !== undefined ? { id: checked.id } : {}),
        outputs: checked.outputs.map((name) => encodeOutput(name, results[name])),
    });
}
class BodyTooLarge extends Error {
}
async function readJsonBody(request) {
    const chunks = [];
    let size = 0;
    for await (const chunk of request) {
        size += chunk.length;
        if (size > MAX_BODY_BYTES)
            throw new BodyTooLarge(`request body is over ${MAX_BODY_BYTES} bytes`);
        chunks.push(chunk);
    }
    try {
        return JSON.parse(Buffer.concat(chunks).toString('utf8'));
    }
    catch (error) {
        throw new BadInferenceRequest(`the request body is not valid JSON: ${describeError(error)}`);
    }
}
function createInputTensor(runtime, input) {
    const { type, shape, values } = input;
    if (type === 'string')
        return new runtime.Tensor('string', values, shape);
    // TODO: FP16 inputs need a float16 encoder; they are refused for now.
    if (!isSupportedTensorType(type)) {
        throw new BadInferenceRequest(`input "${input.name}": ${toV2Datatype(type)} is not supported`);
    }
    return tensorFromValues(runtime, type, values.map(Number), shape);
}
function encodeOutput(name, tensor) {
    const data = Array.from(tensor.data, (value) => {
        if (typeof value === 'bigint')
            return Number(value);
        return tensor.type === 'bool' ? Boolean(value) : value;
    });
    return { name, shape: [...tensor.dims], datatype: toV2Datatype(tensor.type), data };
}
function refuseMethod(response, allowed) {
    response.setHeader('Allow', allowed);
    sendJson(response, 405, { error: `method not allowed: use ${allowed}` });
}
function sendJson(response, status, body) {
    const text = JSON.stringify(body);
    response.writeHead(status, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(text),
    });
    response.end(text);
}

;// CONCATENATED MODULE: ./packages/deploy/src/serve-main.ts
// The serve entry: `node serve.js --model-file F --model-name N --version V --host H --port P`.
// Bundled by the build; deployLocal starts it as a detached process.






/** Writes log lines to standard error, which deployLocal sends to the server's log file. */
const stderrLog = {
    info: (message) => process.stderr.write(`${message}\n`),
    debug: (message) => {
        if (process.env.ENVOY_DEBUG)
            process.stderr.write(`debug: ${message}\n`);
    },
    warning: (message) => process.stderr.write(`warning: ${message}\n`),
    error: (message) => process.stderr.write(`error: ${message}\n`),
    group: (_name, work) => work(),
    mask: () => undefined,
};
async function main() {
    const options = parseServeArguments(process.argv.slice(2));
    const searchFrom = [(0,external_node_path_namespaceObject.dirname)((0,external_node_url_namespaceObject.fileURLToPath)(import.meta.url)), process.cwd()];
    const runtime = await loadOnnxRuntime({ searchFrom }, new ProcessToolRunner(stderrLog), stderrLog);
    const server = await startInferenceServer({ ...options, runtime });
    stderrLog.info(`Serving ${options.modelName} v${options.version} at ${server.url}`);
    const stop = (signal) => {
        stderrLog.info(`Stopping on ${signal}`);
        server.close().then(() => process.exit(0), () => process.exit(1));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
}
main().catch((error) => {
    const detail = error instanceof errors_UserError ? describeError(error) : String(error);
    process.stderr.write(`envoy-serve: ${detail}\n`);
    process.exit(1);
});

