import Foundation

/// What a load computes beyond the index: the learned model (vocabulary, IDF, weights) and the calibrated
/// operating point. Both depend only on the answer set, the matcher's settings and the program, so a server
/// that starts again on the same files can read them back instead of training again (`Helpline.MatcherCache`
/// keeps them in the data directory, keyed by `Matcher.trainingInput` and the program). Training and
/// calibration are about two thirds of a load (docs/benchmarks.md).
///
/// The bytes (little-endian): "EMT1", the format version, then the vocabulary's feature keys in id order with
/// their IDF and block, the word-vector block's size and weight, the regression's shape, weights and
/// intercepts, the calibration, and an FNV-1a checksum of all that. Reading checks every count against the
/// bytes there are and the checksum: a file cut short or damaged is refused, never half read.
public struct TrainedState: Sendable {
    let features: TextFeatures
    let regression: SoftmaxRegression
    public let calibration: Calibration

    static let magic: [UInt8] = Array("EMT1".utf8)
    static let version: UInt32 = 3

    init(features: TextFeatures, regression: SoftmaxRegression, calibration: Calibration) {
        self.features = features
        self.regression = regression
        self.calibration = calibration
    }

    /// How many intents the model tells apart.
    public var classes: Int { regression.classes }

    public func encoded() -> [UInt8] {
        var writer = ByteWriter()
        writer.bytes(Self.magic)
        writer.integer(UInt32(Self.version))
        let keys = features.ids.keysInIDOrder()
        writer.integer(UInt64(keys.count))
        for key in keys { writer.integer(key) }
        writer.floats(features.idf)
        for isWord in features.isWordFeature { writer.integer(UInt8(isWord ? 1 : 0)) }
        writer.integer(UInt32(features.vectorDimensions))
        writer.floats([features.vectorWeight])
        writer.integer(UInt32(regression.classes))
        writer.integer(UInt64(regression.features))
        writer.floats(regression.weights)
        writer.floats(regression.intercepts)
        for value in [calibration.answerThreshold, calibration.clarifyMargin, calibration.clarifyFloor,
                      calibration.heldOutTop1, calibration.heldOutAnsweredRightly,
                      calibration.heldOutAnsweredWrongly, calibration.heldOutClarified,
                      calibration.outOfScopeFallingBack] {
            writer.integer(value.bitPattern)
        }
        writer.integer(UInt64(calibration.heldOut))
        writer.integer(UInt64(calibration.folds))
        writer.integer(UInt64(calibration.outOfScopeExamples))
        writer.integer(ByteWriter.checksum(writer.output[...]))
        return writer.output
    }

    /// Why bytes were refused.
    public struct Problem: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public init(decoding bytes: [UInt8]) throws(Problem) {
        guard bytes.count >= 12 else { throw Problem(description: "too short to be a trained model") }
        let body = bytes.count - 8
        var reader = ByteReader(bytes: bytes, end: body)
        var trailer = ByteReader(bytes: bytes, end: bytes.count, position: body)
        let stored: UInt64 = trailer.integer() ?? 0
        guard ByteWriter.checksum(bytes[..<body]) == stored else {
            throw Problem(description: "checksum does not match (a file cut short or damaged)")
        }
        guard reader.bytes(4) == Self.magic, reader.integer() as UInt32? == Self.version else {
            throw Problem(description: "not a trained model of this format")
        }
        func fail(_ what: String) -> Problem { Problem(description: "damaged: \(what)") }
        guard let keyCount: UInt64 = reader.integer(), keyCount <= UInt64(body / 8) else { throw fail("feature count") }
        let count = Int(keyCount)
        var table = FeatureTable(capacity: max(count, 16))
        for expected in 0..<count {
            guard let key: UInt64 = reader.integer(), key != 0 else { throw fail("feature key") }
            let (id, inserted) = table.id(inserting: key)
            guard inserted, Int(id) == expected else { throw fail("feature keys repeat") }
        }
        guard let idf = reader.floats(count) else { throw fail("IDF") }
        var isWord: [Bool] = []
        isWord.reserveCapacity(count)
        for _ in 0..<count {
            guard let flag: UInt8 = reader.integer(), flag <= 1 else { throw fail("feature blocks") }
            isWord.append(flag == 1)
        }
        guard let vectorDimensions: UInt32 = reader.integer(), vectorDimensions <= 4_096,
              let vectorWeight = reader.floats(1)?.first, vectorWeight.isFinite else { throw fail("vector block") }
        let features = TextFeatures(ids: table, idf: idf, isWordFeature: isWord,
                                    vectorDimensions: Int(vectorDimensions), vectorWeight: vectorWeight)
        guard let classes: UInt32 = reader.integer(), classes >= 1, classes <= 100_000,
              let dimensions: UInt64 = reader.integer(), dimensions == UInt64(features.dimensions) else {
            throw fail("model shape")
        }
        let stride = (Int(classes) + 7) / 8 * 8
        guard stride.multipliedReportingOverflow(by: Int(dimensions)).overflow == false,
              let weights = reader.floats(stride * Int(dimensions)), let intercepts = reader.floats(Int(classes)),
              weights.allSatisfy(\.isFinite), intercepts.allSatisfy(\.isFinite) else { throw fail("weights") }
        var figures: [Double] = []
        for _ in 0..<8 {
            guard let bits: UInt64 = reader.integer(), Double(bitPattern: bits).isFinite else { throw fail("calibration") }
            figures.append(Double(bitPattern: bits))
        }
        guard let heldOut: UInt64 = reader.integer(), let folds: UInt64 = reader.integer(),
              let outOfScope: UInt64 = reader.integer(),
              heldOut <= UInt64(Int.max), folds <= 1_000, outOfScope <= UInt64(Int.max), reader.isAtEnd,
              (0...1).contains(figures[7]), outOfScope > 0 || figures[7] == 0 else {
            throw fail("calibration")
        }
        self.features = features
        regression = SoftmaxRegression(classes: Int(classes), features: Int(dimensions), weights: weights,
                                       intercepts: intercepts)
        var calibration = Calibration(
            answerThreshold: figures[0], clarifyMargin: figures[1], clarifyFloor: figures[2], heldOut: Int(heldOut),
            heldOutTop1: figures[3], heldOutAnsweredRightly: figures[4], heldOutAnsweredWrongly: figures[5],
            heldOutClarified: figures[6], folds: Int(folds))
        calibration.outOfScopeExamples = Int(outOfScope)
        calibration.outOfScopeFallingBack = figures[7]
        self.calibration = calibration
    }
}

/// Little-endian bytes out.
struct ByteWriter {
    var output: [UInt8] = []

    mutating func bytes(_ bytes: [UInt8]) { output += bytes }

    mutating func integer<Value: FixedWidthInteger>(_ value: Value) {
        withUnsafeBytes(of: value.littleEndian) { output += $0 }
    }

    mutating func floats(_ values: [Float]) {
        #if _endian(little)
        values.withUnsafeBytes { output += $0 }
        #else
        for value in values { integer(value.bitPattern) }
        #endif
    }

    /// FNV-1a, 64 bits, taken 8 bytes at a time (little-endian words, then the last bytes one by one): catches a
    /// file cut short or a flipped byte (not an adversary: the data directory is the operator's own), at an
    /// eighth of the cost of a byte at a time (10 ms for the shipped set's 9 MB was half of reading it back).
    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        bytes.withUnsafeBytes { raw in
            let words = raw.count / 8
            for index in 0..<words {
                hash ^= UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self))
                hash &*= 0x0000_0100_0000_01b3
            }
            for index in (8 * words)..<raw.count {
                hash ^= UInt64(raw[index])
                hash &*= 0x0000_0100_0000_01b3
            }
        }
        return hash
    }
}

/// Little-endian bytes in; nil past `end`.
struct ByteReader {
    let bytes: [UInt8]
    let end: Int
    var position = 0

    var isAtEnd: Bool { position == end }

    mutating func bytes(_ count: Int) -> [UInt8]? {
        guard count >= 0, end - position >= count else { return nil }
        defer { position += count }
        return Array(bytes[position..<(position + count)])
    }

    mutating func integer<Value: FixedWidthInteger>() -> Value? {
        let size = MemoryLayout<Value>.size
        guard end - position >= size else { return nil }
        var value = Value.zero
        for offset in (0..<size).reversed() { value = value << 8 | Value(bytes[position + offset]) }
        position += size
        return value
    }

    mutating func floats(_ count: Int) -> [Float]? {
        guard count >= 0, (end - position) / 4 >= count else { return nil }
        var values = [Float](repeating: 0, count: count)
        values.withUnsafeMutableBytes { raw in
            bytes.withUnsafeBytes { source in
                raw.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[position..<(position + 4 * count)]))
            }
        }
        position += 4 * count
        #if _endian(big)
        values = values.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) }
        #endif
        return values
    }
}
