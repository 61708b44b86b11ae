import Foundation
import HorizonCore
import HorizonNAT
import HorizonUDP

extension PeerPaths {
    /// The TURN allocation every peer's relayed candidate lives on, made from the device's
    /// own socket (one allocation per 5-tuple, so one for all peers, a channel per peer):
    /// the device then sends and receives the peers' ChannelData itself, with no proxy
    /// between. Control traffic (allocate, permissions, channel bindings, refreshes) is the
    /// session's; the server's answers reach it through `receive(_:)`. Nil when no TURN
    /// relay is known or it does not allocate. Concurrent callers share one attempt.
    func relayAllocation() async -> TURNSession? {
        guard !stopped else { return nil }
        if let relay, relay.allocation != nil { return relay }
        if let running = allocating { return await running.value }
        // One that failed or lapsed: let it go before allocating again.
        dropRelayAllocation()
        guard let server = turnRelay, let credentials = server.credentials else { return nil }
        let (device, continuation) = (self.device, inbound)
        let session = TURNSession(server: server.address, credentials: credentials,
                                  sending: { device.sendDatagram($0, to: server.address) },
                                  onData: { peer, bytes in continuation.yield(PathDatagram(bytes: bytes, source: peer, relayed: true)) })
        // Set first: the answer to the Allocate comes back through `receive(_:)`.
        relay = session
        relayPermitted = []
        let task = Task<TURNSession?, Never> {
            guard (try? await blockingCall { try session.allocate(timeout: .seconds(3)) }) != nil else {
                _ = try? await blockingCall { session.close() }
                return nil
            }
            return session
        }
        allocating = task
        let allocated = await task.value
        allocating = nil
        if allocated == nil, relay === session { relay = nil }
        return relay === session ? allocated : relay
    }

    /// Gives the allocation up (released, best effort) so the next session makes a new one.
    func dropRelayAllocation() {
        guard let session = relay else { return }
        relay = nil
        relayPermitted = []
        inBackground {
            _ = try? await blockingCall {
                if session.allocation != nil { try? session.release(timeout: .seconds(1)) }
                session.close()
            }
        }
    }

    /// TURN permissions are per IP: let every address the peer may send from through to the allocation.
    func permitRemoteAddresses(_ id: String) {
        guard !stopped, let link = links[id], let relay else { return }
        let fresh = Set(link.remoteCandidates.map(\.address.ip)).subtracting(relayPermitted)
        guard !fresh.isEmpty else { return }
        relayPermitted.formUnion(fresh)
        inBackground {
            _ = try? await blockingCall { for ip in fresh { try? relay.createPermission(for: ip, timeout: .seconds(3)) } }
        }
    }

    /// Binds a channel on the allocation to the remote end of a selected relayed pair and
    /// points the device's peer at it (relay address + channel).
    func connectThroughRelay(_ id: String, remote: UDPAddress, path: PeerPath) {
        guard !stopped, let relay else { return }
        inBackground {
            // Binding waits for the relay's answer: off the actor's thread.
            guard let channel = try? await blockingCall({ try relay.bindChannel(to: remote, timeout: .seconds(3)) }) else { return }
            await self.relayConnected(id, relay: relay, channel: channel, remote: remote, path: path)
        }
    }

    private func relayConnected(_ id: String, relay: TURNSession, channel: UInt16, remote: UDPAddress, path: PeerPath) {
        // A direct pair (or another relayed one) may have been selected while binding.
        guard !stopped, self.relay === relay, let link = links[id], let selected = link.checker?.selectedPair,
              selected.local.kind == .relayed, selected.remote.address == remote else { return }
        device.setRelayedEndpoint(relay.server, channel: channel, for: link.peer.publicKey)
        links[id]?.path = path
    }
}
