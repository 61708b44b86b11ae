/// A path-compressed binary trie from address prefixes to peers: the storage behind
/// `AllowedIPs`, one instance per address family.
///
/// `Key` holds an address left-aligned (bit 0 of the address is the key's top bit). Each
/// node stands for one prefix; a node exists only where a prefix is stored or where two
/// stored prefixes part, so depth is bounded by the key width and node count by twice the
/// prefix count. Nodes live in flat arrays addressed by 32-bit indices (no per-node objects,
/// no reference counting on lookup), and a freed slot is reused by the next insert. What a
/// lookup reads is kept apart from the links only changes use, so more of the nodes a
/// lookup visits share cache lines.
///
/// Every node holding a peer is also linked into that peer's list, so removing or listing
/// one peer's prefixes costs time in its own prefix count, not the table's.
struct PrefixTrie<Key: FixedWidthInteger & UnsignedInteger & Sendable, Peer: Hashable> {
    typealias Index = Int32
    private static var none: Index { -1 }

    /// What lookups read. Index -1 means "none" throughout.
    fileprivate struct Node {
        var key: Key
        var length: UInt8
        var peer: Peer?
        var child0: Index = -1
        var child1: Index = -1

        func child(_ bit: Int) -> Index { bit == 0 ? child0 : child1 }

        mutating func setChild(_ bit: Int, _ index: Index) {
            if bit == 0 { child0 = index } else { child1 = index }
        }
    }

    /// What only changes read, at the same index as its node.
    private struct Links: Sendable {
        var parent: Index = -1
        /// The owning peer's list; `nextOfPeer` also chains free slots.
        var previousOfPeer: Index = -1
        var nextOfPeer: Index = -1
    }

    private struct PeerList: Sendable {
        var head: Index
        var tail: Index
    }

    private var nodes: [Node] = []
    private var links: [Links] = []
    private var root: Index = none
    private var freeHead: Index = none
    private var lists: [Peer: PeerList] = [:]
    /// Prefixes stored (nodes holding a peer).
    private(set) var count = 0
    /// Nodes in use, holding a peer or parting two subtrees: at most 2 × count - 1.
    private(set) var nodeCount = 0

    // MARK: Lookup

    /// The peer of the longest stored prefix containing `address`.
    func lookup(_ address: Key) -> Peer? {
        nodes.withUnsafeBufferPointer { nodes in
            var best: Peer?
            var index = root
            while index >= 0 {
                let length = Int(nodes[Int(index)].length)
                guard Self.commonLength(address, nodes[Int(index)].key) >= length else { break }
                if let peer = nodes[Int(index)].peer { best = peer }
                guard length < Key.bitWidth else { break }
                index = nodes[Int(index)].child(Self.bit(address, at: length))
            }
            return best
        }
    }

    /// Every prefix stored for `peer`, in the order they were given to it.
    func prefixes(of peer: Peer) -> [(key: Key, length: Int)] {
        var result: [(key: Key, length: Int)] = []
        var index = lists[peer]?.head ?? Self.none
        while index >= 0 {
            result.append((self[index].key, Int(self[index].length)))
            index = self[links: index].nextOfPeer
        }
        return result
    }

    // MARK: Changes

    /// Stores `peer` for the prefix (host bits are ignored) and returns the peer it
    /// replaced, if any.
    @discardableResult
    mutating func insert(_ key: Key, length: Int, peer: Peer) -> Peer? {
        precondition(length >= 0 && length <= Key.bitWidth, "prefix length out of range")
        let key = Self.mask(key, to: length)
        var parent = Self.none
        var index = root
        while index >= 0 {
            let nodeLength = Int(self[index].length)
            let common = min(Self.commonLength(key, self[index].key), length, nodeLength)
            if common == nodeLength {
                if nodeLength == length { return assign(peer, to: index) }
                parent = index
                index = self[index].child(Self.bit(key, at: nodeLength))
                continue
            }
            // The new prefix parts from this node's compressed path at bit `common`.
            let fresh = allocate(key: key, length: length)
            if common == length {
                // It is a shorter prefix of this node: it takes the node's place, above it.
                replaceInParent(index, with: fresh)
                link(index, under: fresh)
            } else {
                let branch = allocate(key: Self.mask(key, to: common), length: common)
                replaceInParent(index, with: branch)
                link(index, under: branch)
                link(fresh, under: branch)
            }
            return assign(peer, to: fresh)
        }
        let fresh = allocate(key: key, length: length)
        if parent >= 0 { link(fresh, under: parent) } else { root = fresh }
        return assign(peer, to: fresh)
    }

    /// Removes exactly this prefix; returns the peer it belonged to.
    @discardableResult
    mutating func remove(_ key: Key, length: Int) -> Peer? {
        guard let index = find(Self.mask(key, to: length), length: length),
              let peer = self[index].peer
        else { return nil }
        clear(index)
        return peer
    }

    mutating func removeAll(of peer: Peer) {
        var index = lists[peer]?.head ?? Self.none
        while index >= 0 {
            // Pruning frees only nodes without a peer, so the next list entry survives.
            let next = self[links: index].nextOfPeer
            clear(index)
            index = next
        }
    }

    // MARK: Structure

    private func find(_ key: Key, length: Int) -> Index? {
        var index = root
        while index >= 0 {
            let nodeLength = Int(self[index].length)
            guard nodeLength <= length, Self.commonLength(key, self[index].key) >= nodeLength else { return nil }
            if nodeLength == length { return index }
            index = self[index].child(Self.bit(key, at: nodeLength))
        }
        return nil
    }

    private mutating func assign(_ peer: Peer, to index: Index) -> Peer? {
        let old = self[index].peer
        guard old != peer else { return old }
        if let old { unlink(index, from: old) } else { count += 1 }
        self[index].peer = peer
        append(index, to: peer)
        return old
    }

    private mutating func clear(_ index: Index) {
        guard let peer = self[index].peer else { return }
        unlink(index, from: peer)
        self[index].peer = nil
        count -= 1
        prune(index)
    }

    /// Drops a node without a peer unless it still parts two subtrees.
    private mutating func prune(_ index: Index) {
        let node = self[index]
        let parent = self[links: index].parent
        switch (node.child0 >= 0, node.child1 >= 0) {
        case (true, true):
            return
        case (true, false), (false, true):
            replaceInParent(index, with: node.child0 >= 0 ? node.child0 : node.child1)
            free(index)
        case (false, false):
            replaceInParent(index, with: Self.none)
            free(index)
            // The parent may now be a branch with a single child.
            if parent >= 0, self[parent].peer == nil { prune(parent) }
        }
    }

    private mutating func link(_ child: Index, under parent: Index) {
        let bit = Self.bit(self[child].key, at: Int(self[parent].length))
        self[parent].setChild(bit, child)
        self[links: child].parent = parent
    }

    private mutating func replaceInParent(_ old: Index, with new: Index) {
        let parent = self[links: old].parent
        if parent < 0 {
            root = new
        } else if self[parent].child0 == old {
            self[parent].child0 = new
        } else {
            self[parent].child1 = new
        }
        if new >= 0 { self[links: new].parent = parent }
    }

    private mutating func allocate(key: Key, length: Int) -> Index {
        let node = Node(key: key, length: UInt8(length), peer: nil)
        nodeCount += 1
        guard freeHead >= 0 else {
            precondition(nodes.count < Int(Index.max), "allowed-IPs table is full")
            nodes.append(node)
            links.append(Links())
            return Index(nodes.count - 1)
        }
        let index = freeHead
        freeHead = self[links: index].nextOfPeer
        self[index] = node
        self[links: index] = Links()
        return index
    }

    private mutating func free(_ index: Index) {
        self[index] = Node(key: 0, length: 0, peer: nil)
        self[links: index] = Links(nextOfPeer: freeHead)
        freeHead = index
        nodeCount -= 1
    }

    // MARK: Per-peer lists

    private mutating func append(_ index: Index, to peer: Peer) {
        self[links: index].nextOfPeer = Self.none
        guard var list = lists[peer] else {
            self[links: index].previousOfPeer = Self.none
            lists[peer] = PeerList(head: index, tail: index)
            return
        }
        self[links: list.tail].nextOfPeer = index
        self[links: index].previousOfPeer = list.tail
        list.tail = index
        lists[peer] = list
    }

    private mutating func unlink(_ index: Index, from peer: Peer) {
        guard var list = lists[peer] else { return }
        let previous = self[links: index].previousOfPeer
        let next = self[links: index].nextOfPeer
        if previous >= 0 { self[links: previous].nextOfPeer = next } else { list.head = next }
        if next >= 0 { self[links: next].previousOfPeer = previous } else { list.tail = previous }
        lists[peer] = list.head >= 0 ? list : nil
    }

    private subscript(index: Index) -> Node {
        get { nodes[Int(index)] }
        _modify { yield &nodes[Int(index)] }
        set { nodes[Int(index)] = newValue }
    }

    private subscript(links index: Index) -> Links {
        get { links[Int(index)] }
        _modify { yield &links[Int(index)] }
        set { links[Int(index)] = newValue }
    }

    // MARK: Bits

    private static func bit(_ key: Key, at position: Int) -> Int {
        Int(truncatingIfNeeded: key >> (Key.bitWidth - 1 - position) & 1)
    }

    /// Leading bits two keys share.
    private static func commonLength(_ a: Key, _ b: Key) -> Int {
        (a ^ b).leadingZeroBitCount
    }

    private static func mask(_ key: Key, to length: Int) -> Key {
        length == 0 ? 0 : key & (Key.max << (Key.bitWidth - length))
    }
}

extension PrefixTrie: Sendable where Peer: Sendable {}
extension PrefixTrie.Node: Sendable where Peer: Sendable {}
