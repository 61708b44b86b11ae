// The tunnel (interface host, network changes, system tools) lives in HorizonTunnel so that
// `horizon-tunnel` and `horizon-wg` link it without the node agent; the agent's roles use
// it as before, and so does whoever imports HorizonNode.
@_exported import HorizonTunnel
