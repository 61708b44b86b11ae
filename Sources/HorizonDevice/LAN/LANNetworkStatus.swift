import HorizonCore
import HorizonLAN

/// One attached L2 network as `horizon status` and tests see it.
public struct LANNetworkStatus: Equatable, Sendable {
    public var interfaceName: String
    public var tag: LANNetworkTag
    /// The member keys configured, whether or not a peer has each key yet.
    public var members: [PublicKey]
    /// How many of them are member ports of the switch (have a peer on the device).
    public var activeMembers: Int
    public var switchCounters: LANSwitchCounters
}
