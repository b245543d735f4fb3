import Foundation

/// Multinomial logistic regression over sparse vectors: the weights that tell the intents apart, learned from
/// their examples rather than set by hand. It minimises the cross-entropy of the examples plus an L2 penalty,
/// ½‖W‖² / C (the intercepts are not penalised), with L-BFGS: the objective is convex, so the optimum does not
/// depend on where the search starts, and a warm start (the cross-validation folds start from the full model)
/// only makes it arrive sooner.
///
/// Weights are stored feature-major (`weights[feature * classes + class]`): scoring a message adds one
/// contiguous row per feature it has, which the compiler vectorises.
public struct SoftmaxRegression: Sendable {
    let classes: Int
    let features: Int
    private(set) var weights: [Float]
    private(set) var intercepts: [Float]

    public struct Options: Sendable, Equatable {
        /// Inverse regularisation strength: 10 as in the TF-IDF baseline the matcher is measured against.
        public var c: Double = 10
        public var maximumIterations = 120
        /// Stop when an iteration lowers the objective by less than this share of it.
        public var tolerance = 1e-5
        public var history = 5
        public init() {}
    }

    init(classes: Int, features: Int) {
        self.classes = classes
        self.features = features
        weights = [Float](repeating: 0, count: classes * features)
        intercepts = [Float](repeating: 0, count: classes)
    }

    /// Trains on `examples` (vectors and their class), starting from the current weights.
    mutating func train(_ examples: [(vector: TextFeatures.Vector, label: Int)], options: Options = Options()) {
        guard !examples.isEmpty, classes > 1 else { return }
        let size = weights.count + classes
        var parameters = [Float](repeating: 0, count: size)
        parameters.replaceSubrange(0..<weights.count, with: weights)
        parameters.replaceSubrange(weights.count..<size, with: intercepts)
        let penalty = Float(1 / options.c)
        var gradient = [Float](repeating: 0, count: size)
        var value = objective(parameters, examples, penalty: penalty, gradient: &gradient)

        var steps: [[Float]] = []
        var changes: [[Float]] = []
        var curvatures: [Float] = []
        var direction = [Float](repeating: 0, count: size)
        var candidate = [Float](repeating: 0, count: size)
        var candidateGradient = [Float](repeating: 0, count: size)
        var alphas = [Float](repeating: 0, count: options.history)
        for iteration in 0..<options.maximumIterations {
            // Two-loop recursion: direction = −H·gradient.
            Self.combine(into: &direction, 0, direction, -1, gradient)
            for pair in stride(from: steps.count - 1, through: 0, by: -1) {
                let alpha = curvatures[pair] * Self.dot(steps[pair], direction)
                alphas[pair] = alpha
                Self.combine(into: &direction, 1, direction, -alpha, changes[pair])
            }
            if let last = steps.indices.last {
                let scale = Self.dot(steps[last], changes[last]) / Self.dot(changes[last], changes[last])
                Self.combine(into: &direction, scale, direction, 0, direction)
            } else {
                // First step: at most a unit move in the gradient's direction.
                let norm = Self.dot(gradient, gradient).squareRoot()
                if norm > 1 { Self.combine(into: &direction, 1 / norm, direction, 0, direction) }
            }
            for pair in 0..<steps.count {
                let beta = curvatures[pair] * Self.dot(changes[pair], direction)
                Self.combine(into: &direction, 1, direction, alphas[pair] - beta, steps[pair])
            }
            var slope = Self.dot(direction, gradient)
            if slope >= 0 {  // Not a descent direction (numerical trouble): start again from the gradient.
                steps.removeAll()
                changes.removeAll()
                curvatures.removeAll()
                Self.combine(into: &direction, 0, direction, -1, gradient)
                slope = Self.dot(direction, gradient)
            }
            // Backtracking line search (Armijo).
            var step: Float = 1
            var accepted = false
            var newValue = value
            for _ in 0..<20 {
                Self.combine(into: &candidate, 1, parameters, step, direction)
                newValue = objective(candidate, examples, penalty: penalty, gradient: &candidateGradient)
                if newValue <= value + 1e-4 * step * slope { accepted = true; break }
                step *= 0.5
            }
            guard accepted else { break }
            // The oldest pair's buffers are reused for the newest.
            var s = steps.count == options.history ? steps.removeFirst() : [Float](repeating: 0, count: size)
            var y = changes.count == options.history ? changes.removeFirst() : [Float](repeating: 0, count: size)
            if curvatures.count == options.history { curvatures.removeFirst() }
            Self.combine(into: &s, 1, candidate, -1, parameters)
            Self.combine(into: &y, 1, candidateGradient, -1, gradient)
            let sy = Self.dot(s, y)
            if sy > 1e-10 {
                steps.append(s)
                changes.append(y)
                curvatures.append(1 / sy)
            }
            swap(&parameters, &candidate)
            swap(&gradient, &candidateGradient)
            let decrease = value - newValue
            value = newValue
            if iteration > 0 && Double(decrease) <= options.tolerance * max(1, Double(abs(value))) { break }
        }
        weights = Array(parameters[0..<weights.count])
        intercepts = Array(parameters[weights.count..<size])
    }

    /// The class probabilities of `vector`, written into `probabilities` (`classes` long).
    func probabilities(_ vector: TextFeatures.Vector, into probabilities: inout [Float]) {
        weights.withUnsafeBufferPointer { weights in
            intercepts.withUnsafeBufferPointer { intercepts in
                probabilities.withUnsafeMutableBufferPointer { output in
                    Self.softmax(vector, weights: weights, intercepts: intercepts, classes: classes, into: output)
                }
            }
        }
    }

    // MARK: - Internals

    private static func softmax(
        _ vector: TextFeatures.Vector, weights: UnsafeBufferPointer<Float>, intercepts: UnsafeBufferPointer<Float>,
        classes: Int, into output: UnsafeMutableBufferPointer<Float>
    ) {
        let out = output.baseAddress!
        for k in 0..<classes { out[k] = intercepts[k] }
        // Pointers and wrapping arithmetic: no bounds or overflow checks, so the loop vectorises.
        for (id, value) in zip(vector.ids, vector.values) {
            let row = weights.baseAddress! + Int(id) &* classes
            for k in 0..<classes { out[k] += value * row[k] }
        }
        var largest = output[0]
        for k in 1..<classes where output[k] > largest { largest = output[k] }
        var sum: Float = 0
        for k in 0..<classes {
            output[k] = expf(output[k] - largest)
            sum += output[k]
        }
        for k in 0..<classes { output[k] /= sum }
    }

    /// Cross-entropy plus penalty at `parameters` (weights then intercepts), and its gradient.
    private func objective(
        _ parameters: [Float], _ examples: [(vector: TextFeatures.Vector, label: Int)], penalty: Float,
        gradient: inout [Float]
    ) -> Float {
        let classes = classes
        let weightCount = weights.count
        var loss: Double = 0
        parameters.withUnsafeBufferPointer { parameters in
            gradient.withUnsafeMutableBufferPointer { gradient in
                let weights = UnsafeBufferPointer(rebasing: parameters[0..<weightCount])
                let intercepts = UnsafeBufferPointer(rebasing: parameters[weightCount...])
                let base = gradient.baseAddress!, current = weights.baseAddress!
                for index in 0..<weightCount { base[index] = penalty * current[index] }
                let squares = Self.dot(weights, weights)
                for index in weightCount..<gradient.count { gradient[index] = 0 }
                loss += Double(0.5 * penalty * squares)
                withUnsafeTemporaryAllocation(of: Float.self, capacity: classes) { output in
                    for example in examples {
                        Self.softmax(example.vector, weights: weights, intercepts: intercepts, classes: classes,
                                     into: output)
                        loss -= Double(logf(max(output[example.label], 1e-30)))
                        output[example.label] -= 1
                        let out = output.baseAddress!
                        let base = gradient.baseAddress!
                        for k in 0..<classes { base[weightCount &+ k] += out[k] }
                        for (id, value) in zip(example.vector.ids, example.vector.values) {
                            let row = base + Int(id) &* classes
                            for k in 0..<classes { row[k] += value * out[k] }
                        }
                    }
                }
            }
        }
        return Float(loss)
    }

    /// Eight lanes at a time: the compiler may not reorder a floating-point sum by itself, so a plain loop
    /// would add one product after the other.
    private static func dot(_ a: [Float], _ b: [Float]) -> Float {
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in dot(a, b) }
        }
    }

    private static func dot(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>) -> Float {
        let count = a.count
        let lanes = count / 8 * 8
        var sums = SIMD8<Float>()
        var index = 0
        while index < lanes {
            let x = UnsafeRawPointer(a.baseAddress! + index).loadUnaligned(as: SIMD8<Float>.self)
            let y = UnsafeRawPointer(b.baseAddress! + index).loadUnaligned(as: SIMD8<Float>.self)
            sums += x * y
            index += 8
        }
        var sum = sums.sum()
        while index < count {
            sum += a[index] * b[index]
            index += 1
        }
        return sum
    }

    /// target = a·x + b·y, element by element (target may be x or y).
    private static func combine(into target: inout [Float], _ a: Float, _ x: [Float], _ b: Float, _ y: [Float]) {
        let count = target.count
        x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                let x = x.baseAddress!, y = y.baseAddress!
                target.withUnsafeMutableBufferPointer { target in
                    let target = target.baseAddress!
                    for index in 0..<count { target[index] = a * x[index] + b * y[index] }
                }
            }
        }
    }
}
