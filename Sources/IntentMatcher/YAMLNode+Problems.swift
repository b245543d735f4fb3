package import Yams

/// Problems found in one answer file, each with its line, gathered so that the operator sees them all at once.
package struct ProblemList {
    package let file: String
    package private(set) var problems: [AnswerFileProblem] = []

    package init(file: String) {
        self.file = file
    }

    package mutating func add(line: Int, _ message: String) {
        problems.append(AnswerFileProblem(file: file, line: line, message: message))
    }

    package mutating func add(_ node: Node?, _ message: String) {
        add(line: node?.line ?? 1, message)
    }
}

extension Node {
    /// The 1-based line where this node starts. Yams builds its marks from libyaml's 0-based marks plus one,
    /// so `mark.line` is already what an editor shows.
    package var line: Int { mark?.line ?? 1 }

    /// How an operator would name this kind of value, for "expected a list, found a mapping".
    package var kindName: String {
        switch self {
        case .scalar: "a single value"
        case .mapping: "a mapping (key: value)"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }

    /// The text of a scalar as written, or nil for null (`~`, `null`, nothing) and for non-scalars.
    /// The raw text rather than Yams' typed value: `reviewed: 2026-11-29` must stay the string it was.
    package var text: String? {
        guard case .scalar(let scalar) = self else { return nil }
        if scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) { return nil }
        return scalar.string
    }

    package var isNull: Bool {
        guard case .scalar(let scalar) = self else { return false }
        return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// The key/value pairs of a mapping with their keys as text, or nil when this is not a mapping.
    package var pairs: [(key: String, keyNode: Node, value: Node)]? {
        guard case .mapping(let mapping) = self else { return nil }
        return mapping.map { pair in (pair.key.string ?? "", pair.key, pair.value) }
    }

    package var items: [Node]? {
        guard case .sequence(let sequence) = self else { return nil }
        return Array(sequence)
    }
}

extension ProblemList {
    /// Reports the keys of `mapping` that are not in `allowed`, and returns the values of the allowed ones.
    package mutating func values(of mapping: [(key: String, keyNode: Node, value: Node)], allowed: [String],
                         in context: String) -> [String: (keyNode: Node, value: Node)] {
        var result: [String: (keyNode: Node, value: Node)] = [:]
        for pair in mapping {
            if allowed.contains(pair.key) {
                result[pair.key] = (pair.keyNode, pair.value)
            } else {
                let list = allowed.joined(separator: ", ")
                add(pair.keyNode, "unknown key '\(pair.key)' in \(context) (allowed: \(list))")
            }
        }
        return result
    }

    /// A required or optional text value; reports a wrong type.
    package mutating func text(_ node: Node, named name: String) -> String? {
        if case .scalar = node { return node.text }
        add(node, "'\(name)' must be text, found \(node.kindName)")
        return nil
    }

    /// A list of texts, also accepting one text where a list was meant; reports wrong types per item.
    package mutating func texts(_ node: Node, named name: String) -> [(text: String, node: Node)] {
        if node.isNull { return [] }
        if case .scalar = node, let text = node.text { return [(text, node)] }
        guard let items = node.items else {
            add(node, "'\(name)' must be a list, found \(node.kindName)")
            return []
        }
        var result: [(text: String, node: Node)] = []
        for item in items {
            if case .scalar = item, let text = item.text {
                result.append((text, item))
            } else if item.isNull {
                add(item, "empty item in '\(name)'")
            } else {
                add(item, "items of '\(name)' must be text, found \(item.kindName)")
            }
        }
        return result
    }
}
