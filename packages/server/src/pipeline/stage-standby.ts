/**
 * Stage 2: a standby node forwards to the active node. Every node is active until an HA storage
 * backend with a leader lock lands (ARCHITECTURE.md, "HA"); this stage is where forwarding goes.
 */
export function checkStandby(): void {}
