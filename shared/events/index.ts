export { type InputItem, listInputs, type ReadOptions, readEventFile, readInputs } from './reader.js';
