import HorizonCore
import HorizonNAT
import HorizonUDP

extension PeerPaths {
    /// How long the relays get to answer a gathering's Binding requests (sent at 0, 0.25
    /// and 0.75 s): a relay slower than that is no relay to use.
    static let probeWindow = Duration.milliseconds(1500)

    /// Host addresses and server-reflexive mappings, and the TURN relay to allocate on. A
    /// call while one runs (netmaps arrive while probes are out) waits for that one.
    func gather() async {
        if let running = gathering { return await running.value }
        let task = Task { await gatherNow() }
        gathering = task
        await task.value
        gathering = nil
    }

    private func gatherNow() async {
        hostAddresses = currentHostAddresses()
        let answered = await probeRelays()
        reflexive = []
        for probe in answered { if let mapped = probe.mapped, !reflexive.contains(mapped) { reflexive.append(mapped) } }
        let turn = relays.filter { $0.credentials != nil }
        turnRelay = answered.filter { $0.relay.credentials != nil }.min { ($0.rtt ?? .seconds(9)) < ($1.rtt ?? .seconds(9)) }?.relay
            ?? turn.first
        gathered = true
        let now = MonotonicTime.now()
        nextAddressCheck = now + options.addressCheck
        nextMappingCheck = now + options.mappingCheck
    }

    func currentHostAddresses() -> [IPAddress] {
        let excluded = options.excludedInterfaces.union([device.interfaceName])
        return (try? options.network.run { HostAddresses.current(excludingInterfaces: excluded) }) ?? []
    }

    /// Binding requests to every relay from the WireGuard socket; the answered probes.
    func probeRelays() async -> [ReflexiveProbe] {
        let now = MonotonicTime.now()
        let sent = relays.filter { $0.address.ip.isIPv4 || hostAddresses.contains { !$0.isIPv4 } }.map { ReflexiveProbe(relay: $0, now: now) }
        for probe in sent { probes[probe.transactionID] = probe }
        let ids = sent.map(\.transactionID)
        let resend: [Duration] = [.zero, .milliseconds(250), .milliseconds(750)]
        var sends = 0
        while MonotonicTime.now() < now + Self.probeWindow, !stopped {
            if sends < resend.count, MonotonicTime.now().since(now) >= resend[sends] {
                sends += 1
                for id in ids where probes[id]?.mapped == nil {
                    guard let probe = probes[id] else { continue }
                    probes[id]?.sentAt = MonotonicTime.now()
                    device.sendDatagram(probe.request, to: probe.relay.address)
                }
            }
            if ids.allSatisfy({ probes[$0]?.mapped != nil }) { break }
            try? await Task.sleep(for: .milliseconds(10))
        }
        let done = ids.compactMap { probes.removeValue(forKey: $0) }
        return done.filter { $0.mapped != nil }
    }

    /// An answer to one of our probes (true), or not ours (false).
    func takeProbeAnswer(_ message: STUNMessage, from source: UDPAddress) -> Bool {
        guard var probe = probes[message.transactionID], source == probe.relay.address else { return false }
        probe.mapped = message.reflexiveAddress
        probe.rtt = MonotonicTime.now().since(probe.sentAt)
        probes[message.transactionID] = probe
        return true
    }

    /// Our candidates for one peer: the WireGuard socket on every host address, the
    /// mappings relays saw it at, and the peer's own relayed address.
    func localCandidates(relayed: UDPAddress?) -> [ICECandidate] {
        let port = device.udpPort
        var candidates: [ICECandidate] = hostAddresses.enumerated().map { i, ip in
            ICECandidate(kind: .host, address: UDPAddress(ip: ip, port: port), localPreference: UInt16(65535 - min(i, 1000)))
        }
        for mapped in reflexive where !candidates.contains(where: { $0.address == mapped }) {
            candidates.append(ICECandidate(kind: .serverReflexive, address: mapped))
        }
        if let relayed { candidates.append(ICECandidate(kind: .relayed, address: relayed)) }
        return candidates
    }

    /// Roaming: new host addresses or a new NAT mapping mean a new relay allocation (its
    /// 5-tuple changed) and new sessions with every peer. WireGuard goes on
    /// over the old path meanwhile, and roams itself as soon as the peer hears from us.
    func watchForRoaming(now: MonotonicTime) async {
        guard gathered else { return }
        if now >= nextAddressCheck {
            nextAddressCheck = now + options.addressCheck
            if currentHostAddresses() != hostAddresses {
                await gather()
                await restartSessions(reallocating: true)
                return
            }
        }
        if now >= nextMappingCheck {
            nextMappingCheck = now + options.mappingCheck
            let before = reflexive
            let answered = await probeRelays()
            let mapped = answered.compactMap(\.mapped)
            if !mapped.isEmpty, Set(mapped) != Set(before) {
                reflexive = Array(Set(mapped))
                // The allocation lives on the mapping that moved: the relay no longer knows us.
                await restartSessions(reallocating: true)
            }
        }
    }
}
