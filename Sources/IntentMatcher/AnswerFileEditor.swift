public import Foundation

/// Adds one phrase to a list in an answer or phrase file, editing the text in place so that the operator's
/// comments, order and folding stay as they wrote them (a YAML library would rewrite the whole file).
/// Used by `entraide intents learn`; the caller loads the set again afterwards, and restores the old text
/// when the edit made it invalid.
public enum AnswerFileEditor {
    public struct EditError: Error, CustomStringConvertible {
        public var description: String
    }

    /// `text` with `phrase` appended to `<section>.<language>`: `section` is `examples` in an answer file and
    /// `phrases` in a test file. The language's list is created at the end of the section when missing.
    public static func adding(_ phrase: String, language: Language, section: String, to text: String) throws(EditError)
        -> String
    {
        let cleaned = phrase.split(whereSeparator: \.isNewline).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
        guard !cleaned.isEmpty else { throw EditError(description: "the phrase is empty") }
        var lines = text.components(separatedBy: "\n")
        guard let sectionLine = lines.firstIndex(where: { $0 == "\(section):" || $0.hasPrefix("\(section): ") }) else {
            throw EditError(description: "no '\(section):' at the top level of the file")
        }
        guard lines[sectionLine] == "\(section):" else {
            throw EditError(description: "'\(section)' is written inline; write it as a block to add to it")
        }
        // The section runs until the next line that is not indented (another top-level key).
        var end = sectionLine + 1
        while end < lines.count, lines[end].isEmpty || lines[end].hasPrefix(" ") || lines[end].hasPrefix("#") {
            end += 1
        }
        while end > sectionLine + 1, lines[end - 1].trimmingCharacters(in: .whitespaces).isEmpty { end -= 1 }
        let item = quoted(cleaned)
        let body = (sectionLine + 1)..<end
        if lines[body].contains(where: {
            let trimmed = $0.trimmingCharacters(in: .whitespaces)
            return trimmed.hasPrefix("\(language.rawValue): ") && !trimmed.dropFirst(language.rawValue.count + 1)
                .trimmingCharacters(in: .whitespaces).hasPrefix("#")
        }) {
            throw EditError(description: "'\(section).\(language.rawValue)' is written inline; write it as a block list")
        }
        guard let key = lines[body].firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "\(language.rawValue):" })
        else {
            let keyIndent = lines[body].first {
                let trimmed = $0.trimmingCharacters(in: .whitespaces)
                return !trimmed.isEmpty && !trimmed.hasPrefix("#")
            }.map(indentation) ?? "  "
            lines.insert(contentsOf: ["\(keyIndent)\(language.rawValue):", "\(keyIndent)  - \(item)"], at: end)
            return lines.joined(separator: "\n")
        }
        // The list runs from the key to the first line at the key's indentation or less that is not one of its
        // items (YAML lets `- item` sit at the key's own indentation, as the test files do).
        let keyIndent = indentation(lines[key])
        var last = key
        var itemIndent: String?
        var index = key + 1
        while index < end {
            let trimmed = lines[index].trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { index += 1; continue }
            let indent = indentation(lines[index])
            if indent.count < keyIndent.count || (indent.count == keyIndent.count && !trimmed.hasPrefix("- ")) { break }
            if trimmed.hasPrefix("- "), itemIndent == nil { itemIndent = indent }
            last = index
            index += 1
        }
        lines.insert("\(itemIndent ?? keyIndent + "  ")- \(item)", at: last + 1)
        return lines.joined(separator: "\n")
    }

    /// The phrase as a YAML scalar: plain when that reads back as the same string, double-quoted otherwise.
    static func quoted(_ phrase: String) -> String {
        let special: Set<Character> = [":", "#", "\"", "'", "{", "}", "[", "]", ",", "&", "*", "!", "|", ">", "%", "@", "`", "\\", "?", "-"]
        let risky = phrase.contains(where: special.contains) || phrase.first == " " || phrase.last == " "
            || ["yes", "no", "true", "false", "null", "on", "off", "~"].contains(phrase.lowercased())
            || Double(phrase) != nil
        guard risky else { return phrase }
        var escaped = ""
        for scalar in phrase.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\t": escaped += "\\t"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return "\"\(escaped)\""
    }

    private static func indentation(_ line: String) -> String {
        String(line.prefix { $0 == " " })
    }
}
