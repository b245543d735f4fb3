import Foundation
import Testing

@testable import IRC

/// The public parser test vectors of ircdocs/parser-tests (CC0), converted to JSON under `Vectors/`
/// (each file names its origin in its `source` key).
struct VectorAtoms: Decodable, Sendable {
    let tags: [String: String]?
    let source: String?
    let verb: String
    let params: [String]?
}

struct SplitVector: Decodable, Sendable, CustomTestStringConvertible {
    let input: String
    let atoms: VectorAtoms
    var testDescription: String { input.debugDescription }
}

struct JoinVector: Decodable, Sendable, CustomTestStringConvertible {
    let desc: String
    let atoms: VectorAtoms
    let matches: [String]
    var testDescription: String { desc }
}

struct VectorFile<Test: Decodable & Sendable>: Decodable, Sendable {
    let source: String
    let license: String
    let tests: [Test]
}

enum Vectors {
    static func load<Test>(_ name: String, as type: Test.Type) throws -> VectorFile<Test> {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Vectors"))
        return try JSONDecoder().decode(VectorFile<Test>.self, from: Data(contentsOf: url))
    }

    // Loaded once for the parameterised tests; an unreadable file gives no cases, and `vectorCounts` fails.
    static let split: [SplitVector] = (try? load("msg-split", as: SplitVector.self).tests) ?? []
    static let join: [JoinVector] = (try? load("msg-join", as: JoinVector.self).tests) ?? []
}

/// IRCMessage upper-cases alphabetic commands (servers match them case-insensitively), while the vectors keep
/// `foo`; so the command token of an expected line is compared upper-cased. Nothing else is normalised.
func uppercasingCommand(of line: String) -> String {
    var tokens = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
    var index = 0
    if tokens.first?.hasPrefix("@") == true { index += 1 }
    if index < tokens.count, tokens[index].hasPrefix(":") { index += 1 }
    if index < tokens.count { tokens[index] = tokens[index].uppercased() }
    return tokens.joined(separator: " ")
}

@Suite("ircdocs/parser-tests vectors")
struct ParserVectorTests {
    @Test("both files load, name their CC0 origin, and hold 35 + 18 = 53 cases")
    func vectorCounts() throws {
        let split = try Vectors.load("msg-split", as: SplitVector.self)
        let join = try Vectors.load("msg-join", as: JoinVector.self)
        #expect(split.tests.count == 35)
        #expect(join.tests.count == 18)
        #expect(split.license == "CC0-1.0" && join.license == "CC0-1.0")
        #expect(split.source.contains("ircdocs/parser-tests") && join.source.contains("ircdocs/parser-tests"))
    }

    @Test("msg-split: each line parses into the expected atoms", arguments: Vectors.split)
    func split(_ vector: SplitVector) throws {
        let message = try IRCMessage.parse(vector.input)
        #expect(message.command == vector.atoms.verb.uppercased())
        #expect(message.source == vector.atoms.source)
        #expect(message.params == (vector.atoms.params ?? []))
        let tags = Dictionary(message.tags.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
        #expect(tags == (vector.atoms.tags ?? [:]))
        #expect(message.tags.count == tags.count, "a duplicated key must appear once")
    }

    @Test("msg-join: atoms serialise to one of the accepted lines", arguments: Vectors.join)
    func join(_ vector: JoinVector) throws {
        let tags = (vector.atoms.tags ?? [:]).map { IRCTag(key: $0.key, value: $0.value) }
        let message = try IRCMessage(
            tags: tags, source: vector.atoms.source, command: vector.atoms.verb, params: vector.atoms.params ?? [])
        let line = message.serialize()
        #expect(vector.matches.map(uppercasingCommand).contains(line), "got \(line.debugDescription)")
        // And the line reads back as the same message.
        #expect(try IRCMessage.parse(line) == message)
    }
}
