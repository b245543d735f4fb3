import CWordVectors
import Foundation

/// Multinomial logistic regression over sparse vectors: the weights that tell the intents apart, learned from
/// their examples rather than set by hand. It minimises the cross-entropy of the examples plus an L2 penalty,
/// ½‖W‖² / C (the intercepts are not penalised), by stochastic gradient descent.
///
/// Why SGD and not L-BFGS, which the first version used: an L-BFGS iteration walks every weight (features ×
/// intents) some thirty times, and loading the shipped answers took 0.95 s, 13 s for 150 intents × 100
/// examples. An SGD step touches only the rows of the example's features, and only the intents whose gradient
/// is not negligible: 0.18 s and under 1 s. Its solution is within about 1% of the exact optimum's objective
/// on the shipped set, and the benchmarks moved by under a point (docs/benchmarks.md).
///
/// Weights are stored feature-major (`weights[feature * stride + class]`): scoring a message adds one
/// contiguous row per feature it has (in C, 8 floats a step on AVX2: `entraide_add_rows`). Rows are padded to a
/// multiple of 8 classes (the padding stays 0), so that the row loops have no scalar remainder.
public struct SoftmaxRegression: Sendable {
    let classes: Int
    let features: Int
    let stride: Int
    private(set) var weights: [Float]
    private(set) var intercepts: [Float]

    public struct Options: Sendable, Equatable {
        /// Inverse regularisation strength: 10 as in the TF-IDF baseline the matcher is measured against.
        public var c: Double = 10
        /// The first step size, η₀ in η₀ / (1 + η₀·λ·t) (Bottou's schedule). 1: on the shipped set 0.2 and
        /// 0.5 end further from the optimum after 10 passes, 2 to 8 overshoot (objective 697.8 to 713.8
        /// against 696.5, the exact optimum 688.8).
        public var learningRate = 1.0
        /// How many single-example steps training takes in all, as passes over the examples (at least
        /// `minimumEpochs`, at most `maximumEpochs`): a small set needs several passes, a large one converges
        /// in fewer, and the time stays bounded. 26,000: the shipped set (2,600 examples) gets 10 passes; at
        /// 12,000 it got 5, and its held-out phrases lost 0.6 points, real forum messages 6 (2026-12-06).
        public var steps = 26_000
        /// 2: the step budget alone gives a set of 8,700 to 13,000 examples 2 or 3 passes, and only a larger one
        /// (150 intents × 100 examples) reaches the minimum. Measured on HWU64's whole training set (8,954
        /// examples), 2 passes against the budget's 3: top-1 88.8 against 88.2 (docs/benchmarks.md); a
        /// third pass over 15,000 examples cost 0.3 s of a one-core load and bought nothing measurable. Fewer
        /// steps than the budget do cost: BANKING77-OOS's whole set (5,903) at 2 passes lost 2 points.
        public var minimumEpochs = 2
        /// 20: a small set (the public sets' 10 examples per intent: 640 to 1,000 examples) took 10 passes and
        /// stopped short of its optimum; with the word vectors' block, 20 lifted BANKING77-OOS's top-1 from 74.6
        /// to 75.2 and its in-scope answers from 62.4 to 65.0 (docs/benchmarks.md). The shipped set (3,300
        /// examples) gets 8 passes either way, so its training time does not change.
        public var maximumEpochs = 20
        public init() {}

        func epochs(_ examples: Int) -> Int {
            min(maximumEpochs, max(minimumEpochs, (steps + examples - 1) / max(examples, 1)))
        }
    }

    init(classes: Int, features: Int) {
        self.classes = classes
        self.features = features
        stride = (classes + 7) / 8 * 8
        weights = [Float](repeating: 0, count: stride * features)
        intercepts = [Float](repeating: 0, count: classes)
    }

    /// Weights read back (`TrainedState`), which checked their counts.
    init(classes: Int, features: Int, weights: [Float], intercepts: [Float]) {
        self.classes = classes
        self.features = features
        stride = (classes + 7) / 8 * 8
        precondition(weights.count == stride * features && intercepts.count == classes, "weights of another shape")
        self.weights = weights
        self.intercepts = intercepts
    }

    /// Trains on `examples` (vectors and their class). The penalty is applied lazily (the weights are
    /// `scale × stored`, and a step shrinks `scale`); examples go in a fixed shuffled order, so a set always
    /// trains to the same model.
    mutating func train(_ examples: [(vector: TextFeatures.Vector, label: Int)], options: Options = Options()) {
        guard !examples.isEmpty, classes > 1 else { return }
        let classes = classes
        let stride = stride
        let lambda = 1 / (options.c * Double(examples.count))
        let eta0 = options.learningRate
        let epochs = options.epochs(examples.count)
        var order = Array(examples.indices)
        var random = SplitMix64(seed: 0x5eed)
        var scale = 1.0
        var t = 0.0
        weights.withUnsafeMutableBufferPointer { weights in
            intercepts.withUnsafeMutableBufferPointer { intercepts in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: stride) { gradient in
                    withUnsafeTemporaryAllocation(of: Int.self, capacity: classes) { active in
                        let w = weights.baseAddress!, b = intercepts.baseAddress!, g = gradient.baseAddress!
                        for k in 0..<stride { g[k] = 0 }  // the padding's gradient stays 0
                        for _ in 0..<epochs {
                            for index in Swift.stride(from: order.count - 1, to: 0, by: -1) {
                                order.swapAt(index, Int(random.next() % UInt64(index + 1)))
                            }
                            for position in order {
                                let example = examples[position]
                                Self.softmax(example.vector, weights: w, scale: Float(scale), intercepts: b,
                                             classes: classes, stride: stride, into: g)
                                g[example.label] -= 1
                                let eta = eta0 / (1 + eta0 * lambda * t)
                                t += 1
                                scale *= 1 - eta * lambda
                                for k in 0..<classes { b[k] -= Float(eta) * g[k] }
                                // Once the first pass is done most intents' probabilities are next to nothing:
                                // their rows are left alone (a change under a thousandth of the step).
                                var count = 0
                                for k in 0..<classes where abs(g[k]) >= 1e-3 {
                                    active[count] = k
                                    count += 1
                                }
                                let step = Float(eta / scale)
                                if count * 8 >= classes {
                                    // Many intents still move: a whole row at once (vectorised) beats the scatter.
                                    // An eighth of them or more: on 150 × 100 one core a quarter (the first
                                    // choice), a half and a sixteenth each trained 3–5% slower. (A class left at
                                    // 0 takes a step of 0: the same weights either way.)
                                    for k in 0..<classes where abs(g[k]) < 1e-3 { g[k] = 0 }
                                    Self.subtractRows(example.vector, from: w, stride: stride, step: step, gradient: g)
                                } else {
                                    for (id, value) in zip(example.vector.ids, example.vector.values) {
                                        let row = w + Int(id) &* stride
                                        let factor = step * value
                                        for a in 0..<count { row[active[a]] -= factor * g[active[a]] }
                                    }
                                }
                                if scale < 1e-4 {  // Fold the scale in before the stored weights grow too large.
                                    let folded = Float(scale)
                                    for index in 0..<weights.count { w[index] *= folded }
                                    scale = 1
                                }
                            }
                        }
                        let folded = Float(scale)
                        for index in 0..<weights.count { w[index] *= folded }
                    }
                }
            }
        }
    }

    /// The class probabilities of `vector`, written into `probabilities` (`classes` long).
    func probabilities(_ vector: TextFeatures.Vector, into probabilities: inout [Float]) {
        let (classes, stride) = (classes, stride)
        weights.withUnsafeBufferPointer { weights in
            intercepts.withUnsafeBufferPointer { intercepts in
                withUnsafeTemporaryAllocation(of: Float.self, capacity: stride) { row in
                    Self.softmax(vector, weights: weights.baseAddress!, scale: 1, intercepts: intercepts.baseAddress!,
                                 classes: classes, stride: stride, into: row.baseAddress!)
                    for k in 0..<min(classes, probabilities.count) { probabilities[k] = row[k] }
                }
            }
        }
    }

    /// weights[id × stride + k] −= (step × value) × gradient[k] for every feature of `vector` (C, 8 floats a step
    /// on AVX2: `entraide_subtract_rows`).
    private static func subtractRows(_ vector: TextFeatures.Vector, from weights: UnsafeMutablePointer<Float>,
                                     stride: Int, step: Float, gradient: UnsafePointer<Float>) {
        precondition(stride % 8 == 0, "rows are padded to 8 classes: the C loops take 8 (or 4) floats a step")
        vector.ids.withUnsafeBufferPointer { ids in
            vector.values.withUnsafeBufferPointer { values in
                entraide_subtract_rows(weights, ids.baseAddress, values.baseAddress, ids.count, stride, step, gradient)
            }
        }
    }

    /// The rows are summed in C (`entraide_add_rows`: 8 floats a step on AVX2, where Swift's loop takes 4; the
    /// same bits either way). `output` is `stride` long; the padding past `classes` ends at 0.
    private static func softmax(
        _ vector: TextFeatures.Vector, weights: UnsafePointer<Float>, scale: Float, intercepts: UnsafePointer<Float>,
        classes: Int, stride: Int, into output: UnsafeMutablePointer<Float>
    ) {
        precondition(stride % 8 == 0, "rows are padded to 8 classes: the C loops take 8 (or 4) floats a step")
        for k in 0..<stride { output[k] = 0 }
        vector.ids.withUnsafeBufferPointer { ids in
            vector.values.withUnsafeBufferPointer { values in
                entraide_add_rows(output, weights, ids.baseAddress, values.baseAddress, ids.count, stride)
            }
        }
        var largest = -Float.infinity
        for k in 0..<classes {
            output[k] = output[k] * scale + intercepts[k]
            largest = max(largest, output[k])
        }
        var sum: Float = 0
        for k in 0..<classes {
            output[k] = expf(output[k] - largest)
            sum += output[k]
        }
        for k in 0..<classes { output[k] /= sum }
    }
}

/// A small deterministic generator (SplitMix64): training must give the same model for the same answers.
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
