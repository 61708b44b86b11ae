import HorizonCore
import HorizonNAT
import HorizonUDP
import Testing

/// The path two checkers settle on through simulated NATs: direct wherever one side has no
/// NAT or both map endpoint-independently, relayed when both are symmetric (and when one
/// is, which port prediction would improve), with and without 10 % packet loss.
@Suite struct ICEMatrixTests {
    struct Cell: CustomTestStringConvertible, Sendable {
        let a: NATBehaviour
        let b: NATBehaviour
        let direct: Bool
        var testDescription: String { "\(a) <-> \(b): \(direct ? "direct" : "relayed")" }
    }

    static let cells: [Cell] = NATBehaviour.allCases.flatMap { a in
        NATBehaviour.allCases.map { b in
            let bothMapping = a == .endpointIndependent && b == .endpointIndependent
            return Cell(a: a, b: b, direct: a == .none || b == .none || bothMapping)
        }
    }

    @Test(arguments: cells, [0.0, 0.1])
    func pathPerNATPair(cell: Cell, loss: Double) throws {
        for seed in UInt64(1)...3 {
            var driver = try ICEPairDriver(cell.a, cell.b, loss: loss, seed: seed)
            driver.run(for: .seconds(10))
            let a = try #require(driver.selected(0), "\(cell.testDescription), seed \(seed): a selected nothing")
            let b = try #require(driver.selected(1), "\(cell.testDescription), seed \(seed): b selected nothing")
            #expect(a.isDirect == cell.direct && b.isDirect == cell.direct, "seed \(seed): a \(a), b \(b)")
            #expect(a.nominated && b.nominated)
            #expect(driver.steps < ICEPairDriver.maxSteps)
        }
    }

    @Test func movesFromTheRelayToADirectPathThatAppearsLater() throws {
        // Only relayed candidates are signalled at first, as if the others were still being gathered.
        var driver = try ICEPairDriver(.endpointIndependent, .endpointIndependent) { _ in [.relayed] }
        driver.run(for: .seconds(3))
        #expect(driver.selected(0)?.isDirect == false && driver.selected(1)?.isDirect == false)
        driver.signalRest(of: 0)
        driver.signalRest(of: 1)
        driver.run(for: .seconds(3))
        #expect(driver.selected(0)?.isDirect == true && driver.selected(1)?.isDirect == true)
        for i in 0..<2 {
            let selections = driver.events[i].compactMap { if case .selected(let pair) = $0 { pair.isDirect } else { nil } }
            #expect(selections == [false, true])
            #expect(!driver.events[i].contains { if case .consentLost = $0 { true } else { false } })
        }
    }

    @Test func keepsConsentAndFallsBackToTheRelayWhenTheDirectPathBreaks() throws {
        var driver = try ICEPairDriver(.none, .endpointIndependent)
        driver.run(for: .seconds(40))
        #expect(driver.selected(0)?.isDirect == true)
        driver.network.directPathBroken = true
        driver.run(for: .seconds(45))
        #expect(driver.events[0].contains { if case .consentLost(let pair) = $0 { pair.isDirect } else { false } })
        #expect(driver.selected(0)?.isDirect == false)
        #expect(driver.selected(1)?.isDirect == false)
    }
}
