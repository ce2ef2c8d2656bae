export { readInputs } from './reader.js';
