/// Texts → dense numbers (0, 1, 2… in the order they first come): the index's words, looked up once per word of
/// every message. A 64-bit FNV-1a hash of the text's bytes in a `FeatureTable`, checked against the text itself:
/// Swift's `Dictionary` runs each `String` through SipHash and was a third of looking a message's words up.
///
/// Seedless hashing is safe here: the table is filled from the answer files, and a worker's text only probes
/// it (a probe costs what the operators' own words cost); a text whose hash another took first, which 64 bits
/// make all but impossible, goes to a small dictionary of its own rather than being lost.
struct TextTable: Sendable {
    private var table = FeatureTable(capacity: 1_024)
    /// Per slot of `table`: the number of the text that took it.
    private var slotIDs: [Int32] = []
    private(set) var texts: [String] = []
    private var collided: [String: Int32] = [:]
    /// All ones; a test keeps only a few bits, so that texts collide and the dictionary beside is exercised.
    private let hashMask: UInt64

    init(hashMask: UInt64 = ~0) { self.hashMask = hashMask }

    private func key(_ text: String) -> UInt64 {
        let key = Self.hash(text) & hashMask
        return key == 0 ? 1 : key  // 0 marks an empty slot of `FeatureTable`
    }

    static func hash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }

    var count: Int { texts.count }

    subscript(text: String) -> Int32? {
        if let slot = table[key(text)] {
            let id = slotIDs[Int(slot)]
            if texts[Int(id)] == text { return id }
        }
        return collided.isEmpty ? nil : collided[text]
    }

    /// The number of `text`, the next one when it is new.
    mutating func id(inserting text: String) -> (id: Int32, inserted: Bool) {
        let (slot, isNew) = table.id(inserting: key(text))
        if isNew {
            slotIDs.append(Int32(texts.count))
            texts.append(text)
            return (Int32(texts.count - 1), true)
        }
        let id = slotIDs[Int(slot)]
        if texts[Int(id)] == text { return (id, false) }
        if let id = collided[text] { return (id, false) }
        texts.append(text)
        collided[text] = Int32(texts.count - 1)
        return (Int32(texts.count - 1), true)
    }
}
