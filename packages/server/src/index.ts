export { startServer, VERSION, type RunningServer, type ServerOptions } from './server.js';
export {
  ConfigError,
  DEFAULT_MAX_REQUEST_SIZE,
  loadServerConfig,
  parseServerConfig,
  type ServerConfig,
} from './config/server-config.js';
