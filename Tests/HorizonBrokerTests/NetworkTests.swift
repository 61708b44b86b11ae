import Foundation
import HorizonBroker
import Testing
import Vapor

struct NetworkBody: Codable {
    var id: String; var name: String; var mode: String; var cidr: String; var ipv6Prefix: String
    var gatewayIPv4: String; var gatewayIPv6: String; var capacity: Int; var allocated: Int; var createdAt: Date
}

struct CreateNetworkBody: Codable {
    var name: String; var cidr: String; var ipv6Prefix: String? = nil; var mode: String? = nil
}

extension APIClient {
    func createNetwork(_ body: CreateNetworkBody, adminToken: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> NetworkBody {
        let res = try await send(.POST, "api/v1/networks", token: adminToken, json: body)
        #expect(res.status == .created, "create network \(body.name): \(res.text)", sourceLocation: sourceLocation)
        return try res.decode(NetworkBody.self)
    }
}

/// `/api/v1/networks`: the admin's virtual networks and their address plans.
@Suite struct NetworkTests {
    @Test(arguments: TestStore.available)
    func createListGetAndDelete(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", AuthTests.adminPassword)

            let office = try await api.createNetwork(.init(name: "office", cidr: "10.20.0.0/24"), adminToken: admin)
            #expect(office.mode == "l3", "l3 is the default mode")
            #expect(office.gatewayIPv4 == "10.20.0.1")
            #expect(office.capacity == 253, ".0, .1 (gateway) and .255 are never handed out")
            #expect(office.allocated == 0)
            #expect(office.ipv6Prefix.hasPrefix("fd") && office.ipv6Prefix.hasSuffix("::/64"), "generated ULA: \(office.ipv6Prefix)")
            #expect(office.gatewayIPv6 == office.ipv6Prefix.replacingOccurrences(of: "::/64", with: "::1"))

            let lan = try await api.createNetwork(
                .init(name: "game-lan", cidr: "192.168.77.0/28", ipv6Prefix: "fd12:3456:789a:1::/64", mode: "l2"), adminToken: admin)
            #expect(lan.mode == "l2" && lan.ipv6Prefix == "fd12:3456:789a:1::/64" && lan.capacity == 13)
            #expect(lan.gatewayIPv6 == "fd12:3456:789a:1::1")

            let other = try await api.createNetwork(.init(name: "other", cidr: "10.21.0.0/24"), adminToken: admin)
            #expect(other.ipv6Prefix != office.ipv6Prefix, "each generated prefix is random")

            let listed = try await api.send(.GET, "api/v1/networks", token: admin).decode([NetworkBody].self)
            #expect(listed.map(\.name) == ["game-lan", "office", "other"])
            let fetched = try await api.send(.GET, "api/v1/networks/\(office.id)", token: admin).decode(NetworkBody.self)
            #expect(fetched.cidr == "10.20.0.0/24" && fetched.ipv6Prefix == office.ipv6Prefix)

            #expect(try await api.send(.DELETE, "api/v1/networks/\(lan.id)", token: admin).status == .noContent)
            let gone = try await api.send(.GET, "api/v1/networks/\(lan.id)", token: admin)
            #expect(gone.status == .notFound && gone.errorCode == "not_found")

            let events = try await api.audit("actor=admin", adminToken: admin).filter { $0.targetType == "network" }
            #expect(events.map(\.action) == ["network.deleted", "network.created", "network.created", "network.created"])
            #expect(events.last?.targetName == "office" && events.last?.targetId == office.id)
            #expect(events.last?.detail?.contains("10.20.0.0/24") == true)
        }
    }

    @Test(arguments: TestStore.available)
    func refusesBadPlansOverlapsAndDuplicates(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", AuthTests.adminPassword)
            _ = try await api.createNetwork(.init(name: "office", cidr: "10.20.0.0/16", ipv6Prefix: "fd00:1:2:3::/64"), adminToken: admin)

            let bad: [(CreateNetworkBody, String)] = [
                (.init(name: "a", cidr: "10.30.0.0/33"), "invalid_cidr"),
                (.init(name: "a", cidr: "10.30.0.5/24"), "invalid_cidr"),
                (.init(name: "a", cidr: "10.30.0.0/31"), "invalid_cidr"),
                (.init(name: "a", cidr: "10.0.0.0/7"), "invalid_cidr"),
                (.init(name: "a", cidr: "10.30.0.0"), "invalid_cidr"),
                (.init(name: "a", cidr: "fd00::/64"), "invalid_cidr"),
                (.init(name: "a", cidr: "banana"), "invalid_cidr"),
                (.init(name: "a", cidr: "10.30.0.0/24", ipv6Prefix: "2001:db8::/64"), "invalid_ipv6_prefix"),
                (.init(name: "a", cidr: "10.30.0.0/24", ipv6Prefix: "fd00:1::/48"), "invalid_ipv6_prefix"),
                (.init(name: "a", cidr: "10.30.0.0/24", ipv6Prefix: "fd00:1::5/64"), "invalid_ipv6_prefix"),
                (.init(name: "a", cidr: "10.30.0.0/24", ipv6Prefix: "10.0.0.0/8"), "invalid_ipv6_prefix"),
            ]
            for (body, code) in bad {
                let res = try await api.send(.POST, "api/v1/networks", token: admin, json: body)
                #expect(res.status == .badRequest && res.errorCode == code, "\(body): \(res.text)")
            }
            let badName = try await api.send(.POST, "api/v1/networks", token: admin, raw: #"{"name": "bad name", "cidr": "10.30.0.0/24"}"#)
            #expect(badName.status == .badRequest)
            let badMode = try await api.send(.POST, "api/v1/networks", token: admin, raw: #"{"name": "a", "cidr": "10.30.0.0/24", "mode": "l4"}"#)
            #expect(badMode.status == .badRequest)

            for (body, code) in [
                (CreateNetworkBody(name: "inner", cidr: "10.20.5.0/24"), "network_overlap"),
                (CreateNetworkBody(name: "outer", cidr: "10.0.0.0/8"), "network_overlap"),
                (CreateNetworkBody(name: "same6", cidr: "10.40.0.0/24", ipv6Prefix: "fd00:1:2:3::/64"), "network_overlap"),
                (CreateNetworkBody(name: "office", cidr: "10.50.0.0/24"), "conflict"),
            ] {
                let res = try await api.send(.POST, "api/v1/networks", token: admin, json: body)
                #expect(res.status == .conflict && res.errorCode == code, "\(body): \(res.text)")
            }
            #expect(try await api.send(.GET, "api/v1/networks/not-a-uuid", token: admin).errorCode == "invalid_id")
            #expect(try await api.send(.DELETE, "api/v1/networks/\(UUID())", token: admin).status == .notFound)
        }
    }

    @Test(arguments: TestStore.available)
    func onlyAdminsManageNetworks(store: TestStore) async throws {
        try await store.withBroker { app, _ in
            let api = APIClient(app: app)
            let admin = try await api.login("admin", AuthTests.adminPassword)
            _ = try await api.createUser("bob", adminToken: admin)
            let bob = try await api.login("bob", "password-of-user")
            let net = try await api.createNetwork(.init(name: "office", cidr: "10.20.0.0/24"), adminToken: admin)
            let create = CreateNetworkBody(name: "mine", cidr: "10.99.0.0/24")
            for token in [bob, nil] {
                let expected: HTTPStatus = token == nil ? .unauthorized : .forbidden
                #expect(try await api.send(.GET, "api/v1/networks", token: token).status == expected)
                #expect(try await api.send(.POST, "api/v1/networks", token: token, json: create).status == expected)
                #expect(try await api.send(.GET, "api/v1/networks/\(net.id)", token: token).status == expected)
                #expect(try await api.send(.DELETE, "api/v1/networks/\(net.id)", token: token).status == expected)
            }
            #expect(try await api.send(.GET, "api/v1/networks", token: admin).decode([NetworkBody].self).count == 1)
        }
    }
}
