/// Posting lists stored flat: one array of targets and one of weights, with each term's range in `offsets`.
/// Nested arrays would cost a reference count per term looked up; this costs nothing but the reads.
struct PostingLists: Sendable {
    private let offsets: [Int32]
    private let targets: [Int32]
    private let weights: [Float]

    init(_ lists: [[Posting]]) {
        var offsets: [Int32] = [0]
        offsets.reserveCapacity(lists.count + 1)
        var targets: [Int32] = []
        var weights: [Float] = []
        for list in lists {
            for posting in list {
                targets.append(posting.target)
                weights.append(posting.weight)
            }
            offsets.append(Int32(targets.count))
        }
        self.offsets = offsets
        self.targets = targets
        self.weights = weights
    }

    var count: Int { offsets.count - 1 }

    /// Adds `weight` × the term's weight in each target's vector to `sums[target]`.
    @inline(__always)
    func accumulate(_ id: Int32, _ weight: Double, into sums: UnsafeMutableBufferPointer<Double>) {
        offsets.withUnsafeBufferPointer { offsets in
            let start = Int(offsets[Int(id)])
            let end = Int(offsets[Int(id) + 1])
            targets.withUnsafeBufferPointer { targets in
                weights.withUnsafeBufferPointer { weights in
                    for index in start..<end {
                        sums[Int(targets[index])] += weight * Double(weights[index])
                    }
                }
            }
        }
    }

    /// `accumulate`, noting in `touched` each target that had nothing yet (weights are positive), so that only
    /// those need reading afterwards.
    @inline(__always)
    func accumulate(_ id: Int32, _ weight: Double, into sums: UnsafeMutableBufferPointer<Double>,
                    touched: UnsafeMutableBufferPointer<Int32>, count: inout Int) {
        offsets.withUnsafeBufferPointer { offsets in
            let start = Int(offsets[Int(id)])
            let end = Int(offsets[Int(id) + 1])
            targets.withUnsafeBufferPointer { targets in
                weights.withUnsafeBufferPointer { weights in
                    for index in start..<end {
                        let target = Int(targets[index])
                        if sums[target] == 0 {
                            touched[count] = Int32(target)
                            count += 1
                        }
                        sums[target] += weight * Double(weights[index])
                    }
                }
            }
        }
    }

    /// The postings of one term, for explanations and tests.
    func postings(_ id: Int32) -> [Posting] {
        let start = Int(offsets[Int(id)])
        let end = Int(offsets[Int(id) + 1])
        return (start..<end).map { Posting(target: targets[$0], weight: weights[$0]) }
    }
}
