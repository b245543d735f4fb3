/// A map from 64-bit feature keys to dense ids (0, 1, 2… in insertion order): open addressing, linear probing,
/// a multiplicative hash. The keys are already well-mixed hashes, so Swift's `Dictionary`, which runs each one
/// through SipHash, spent more time hashing than the model spent learning (perf, 150 intents × 100 examples).
struct FeatureTable: Sendable {
    /// 0 marks an empty slot; `TextFeatures.Key` never produces 0.
    private var keys: [UInt64]
    private var ids: [Int32]
    private var shift: UInt64
    private(set) var count = 0

    init(capacity: Int = 16) {
        var size = 16
        while size < 2 * capacity { size <<= 1 }
        keys = [UInt64](repeating: 0, count: size)
        ids = [Int32](repeating: -1, count: size)
        shift = UInt64(64 - size.trailingZeroBitCount)
    }

    @inline(__always)
    private func slot(_ key: UInt64) -> Int { Int(truncatingIfNeeded: (key &* 0x9e37_79b9_7f4a_7c15) >> shift) }

    /// The id of `key`, or nil.
    subscript(key: UInt64) -> Int32? {
        let mask = keys.count - 1
        var position = slot(key)
        while true {
            let found = keys[position]
            if found == key { return ids[position] }
            if found == 0 { return nil }
            position = (position + 1) & mask
        }
    }

    /// The id of `key`, given the next id when it is new.
    mutating func id(inserting key: UInt64) -> (id: Int32, inserted: Bool) {
        if 2 * (count + 1) > keys.count { grow() }
        let mask = keys.count - 1
        var position = slot(key)
        while true {
            let found = keys[position]
            if found == key { return (ids[position], false) }
            if found == 0 {
                keys[position] = key
                ids[position] = Int32(count)
                count += 1
                return (Int32(count - 1), true)
            }
            position = (position + 1) & mask
        }
    }

    /// Every key, in id order: inserted in this order, they give the same ids again.
    func keysInIDOrder() -> [UInt64] {
        var ordered = [UInt64](repeating: 0, count: count)
        for (key, id) in zip(keys, ids) where key != 0 { ordered[Int(id)] = key }
        return ordered
    }

    private mutating func grow() {
        let old = zip(keys, ids).filter { $0.0 != 0 }
        var bigger = FeatureTable(capacity: keys.count)
        for (key, _) in old.sorted(by: { $0.1 < $1.1 }) { _ = bigger.id(inserting: key) }
        self = bigger
    }
}
