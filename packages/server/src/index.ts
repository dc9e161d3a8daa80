export { startServer, type RunningServer, type ServerOptions } from './server.js';
export { loadServerConfig, type ServerConfig } from './config/server-config.js';
