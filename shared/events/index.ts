export {
  type InputItem,
  listInputs,
  type ReadOptions,
  readEventFile,
  readInputs,
  readObjectBytes,
  readObjectStream,
} from './reader.js';
export { WHOLE_FILE_LIMITS } from './whole-file.js';
