import Foundation
import Yams

/// `intents/synonyms.yaml`: `groups: [[task, hit, tache, …], …]`, each word standing for the group's first.
enum SynonymsFile {
    static let name = "synonyms.yaml"

    /// The groups in `url`, or the problems in it. A word must be one word once normalised, and may be in one
    /// group only (otherwise which one it means would depend on the order of the file).
    static func parse(_ root: Node, file: String) -> (groups: [[String]], problems: [AnswerFileProblem]) {
        var list = ProblemList(file: file)
        guard let pairs = root.pairs else {
            list.add(root, "synonyms.yaml must be a mapping with 'groups', found \(root.kindName)")
            return ([], list.problems)
        }
        let values = list.values(of: pairs, allowed: ["groups"], in: "synonyms.yaml")
        guard let groupsNode = values["groups"]?.value else {
            list.add(root, "missing required key 'groups'")
            return ([], list.problems)
        }
        guard let groupNodes = groupsNode.items else {
            list.add(groupsNode, "'groups' must be a list of lists of words, found \(groupsNode.kindName)")
            return ([], list.problems)
        }
        var groups: [[String]] = []
        var seen: [String: (group: Int, line: Int)] = [:]
        for (groupIndex, groupNode) in groupNodes.enumerated() {
            guard groupNode.items != nil else {
                list.add(groupNode, "each group must be a list of words, found \(groupNode.kindName)")
                continue
            }
            var group: [String] = []
            for (word, node) in list.texts(groupNode, named: "groups") {
                let normalized = TextNormalizer.normalize(word)
                if normalized.isEmpty || normalized.contains(" ") {
                    list.add(node, "synonym '\(word)' must be a single word")
                    continue
                }
                // The same word twice in one group (`tâche`, `tache`) is harmless; in two groups it is ambiguous.
                if let first = seen[normalized] {
                    if first.group != groupIndex {
                        list.add(node, "synonym '\(word)' is already in the group at line \(first.line)")
                    }
                    continue
                }
                seen[normalized] = (groupIndex, node.line)
                group.append(word)
            }
            if group.count < 2 {
                list.add(groupNode, "a synonym group needs at least two words")
            } else {
                groups.append(group)
            }
        }
        return (groups, list.problems)
    }
}
