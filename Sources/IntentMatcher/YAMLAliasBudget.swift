// CYaml is the libyaml that Yams itself parses with (a target of the Yams package, reachable through our dependency
// on Yams): reading its events costs one more pass of the same parser, and no second YAML library.
import CYaml

/// Refuses YAML whose aliases expand to too many values, before Yams composes it.
///
/// An alias is a reference, so nine anchors of nine aliases each ("billion laughs") describe 9⁹ values in a few
/// hundred bytes. Composing is cheap, but Yams then hashes every mapping key to find duplicates, and a key that is
/// an alias of such a tree is hashed in full: the fuzz target found a 400-byte answer file that took seconds, and
/// one more level multiplies that by nine. Answer files need no aliases at all; a few are allowed, so the budget
/// only stops trees no person would write.
enum YAMLAliasBudget {
    /// Values that aliases may add to a file, counting an alias of a list as all of its values.
    static let maximumAliasedValues = 10_000

    /// The 1-based line of the alias that exceeds the budget, or nil when the file is within it (or is not valid
    /// YAML, which Yams then reports).
    static func lineExceedingBudget(_ text: String) -> Int? {
        var utf8 = Array(text.utf8)
        return utf8.withUnsafeMutableBufferPointer { bytes in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { return nil }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, bytes.baseAddress, bytes.count)

            // The values of each anchor, and of each collection being read (with its anchor).
            var anchors: [String: Int] = [:]
            var open: [(anchor: String?, values: Int)] = []
            var aliased = 0
            func close(_ values: Int, anchor: String?) {
                if let anchor { anchors[anchor] = values }
                if !open.isEmpty { open[open.count - 1].values += values }
            }

            var event = yaml_event_t()
            while yaml_parser_parse(&parser, &event) == 1 {
                defer { yaml_event_delete(&event) }
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return nil
                case YAML_SCALAR_EVENT:
                    close(1, anchor: string(event.data.scalar.anchor))
                case YAML_SEQUENCE_START_EVENT:
                    open.append((string(event.data.sequence_start.anchor), 1))
                case YAML_MAPPING_START_EVENT:
                    open.append((string(event.data.mapping_start.anchor), 1))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    if let collection = open.popLast() { close(collection.values, anchor: collection.anchor) }
                case YAML_ALIAS_EVENT:
                    let values = string(event.data.alias.anchor).flatMap { anchors[$0] } ?? 1
                    aliased += values
                    if aliased > maximumAliasedValues { return Int(event.start_mark.line) + 1 }
                    close(values, anchor: nil)
                default:
                    continue
                }
            }
            return nil
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
