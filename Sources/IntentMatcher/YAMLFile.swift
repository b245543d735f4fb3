package import Foundation
package import Yams

/// Reading a YAML file into a node tree with line marks, turning every way it can fail into a problem with a line.
package enum YAMLFile {
    /// Larger files are refused rather than parsed: an answer file is a few kilobytes.
    static let maximumBytes = 1 << 20

    /// The YAML files directly in `directory`, sorted by name. Folders (tests/, heldout/), hidden files and
    /// files with other extensions are not part of the set.
    package static func list(_ directory: URL) -> Result<[URL], AnswerSetError> {
        let manager = FileManager.default
        let contents: [URL]
        do {
            contents = try manager.contentsOfDirectory(
                at: directory, includingPropertiesForKeys: [.isDirectoryKey], options: [.skipsHiddenFiles])
        } catch {
            return .failure(failure(file: directory.path, line: 0, message: "cannot read the folder"))
        }
        let files = contents.filter { url in
            guard ["yaml", "yml"].contains(url.pathExtension.lowercased()) else { return false }
            let isDirectory = (try? url.resourceValues(forKeys: [.isDirectoryKey]))?.isDirectory ?? false
            return !isDirectory && !url.lastPathComponent.hasPrefix(".")
        }
        return .success(files.sorted { $0.lastPathComponent < $1.lastPathComponent })
    }

    private static func failure(file: String, line: Int, message: String) -> AnswerSetError {
        AnswerSetError(problems: [AnswerFileProblem(file: file, line: line, message: message)])
    }

    /// How problems name a file: its folder and name (`intents/crisis.yaml`), which is what operators see.
    package static func displayName(_ url: URL) -> String {
        url.deletingLastPathComponent().lastPathComponent + "/" + url.lastPathComponent
    }

    /// The root node of `url`, or the problem that prevents reading it.
    package static func compose(_ url: URL) -> Result<Node, AnswerSetError> {
        let file = displayName(url)
        guard let data = try? Data(contentsOf: url) else {
            return .failure(failure(file: file, line: 0, message: "cannot read the file"))
        }
        return compose(data, file: file)
    }

    /// The root node of `data`, the contents of the answer file named `file` in problems.
    package static func compose(_ data: Data, file: String) -> Result<Node, AnswerSetError> {
        if data.count > maximumBytes {
            return .failure(failure(
                file: file, line: 0, message: "the file has \(data.count) bytes; an answer file has at most 1 MiB"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(failure(file: file, line: 1, message: "the file is not UTF-8 text"))
        }
        if let line = YAMLAliasBudget.lineExceedingBudget(text) {
            return .failure(failure(
                file: file, line: line,
                message: "aliases (*name) expand to more than \(YAMLAliasBudget.maximumAliasedValues) values by this "
                    + "line; write the values out instead (an answer file needs no anchors or aliases)"))
        }
        do {
            guard let node = try Yams.compose(yaml: text) else {
                return .failure(failure(file: file, line: 1, message: "the file is empty"))
            }
            return .success(node)
        } catch let error as YamlError {
            return .failure(AnswerSetError(problems: [problem(error, file: file, text: text)]))
        } catch {
            return .failure(failure(file: file, line: 1, message: "invalid YAML: \(error)"))
        }
    }

    /// Yams' error as one line an operator can act on, at the line libyaml points to.
    private static func problem(_ error: YamlError, file: String, text: String) -> AnswerFileProblem {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            return AnswerFileProblem(file: file, line: mark.line, message: "invalid YAML: \(problem)\(detail)")
        case .reader(let problem, let offset, _, _):
            let line = offset.map { lineNumber(ofByteOffset: $0, in: text) } ?? 1
            return AnswerFileProblem(file: file, line: line, message: "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return AnswerFileProblem(
                file: file, line: context.mark.line,
                message: "invalid YAML: key(s) \(duplicates.joined(separator: ", ")) given twice in one mapping")
        default:
            return AnswerFileProblem(file: file, line: 1, message: "invalid YAML: \(error)")
        }
    }

    private static func lineNumber(ofByteOffset offset: Int, in text: String) -> Int {
        1 + text.utf8.prefix(max(0, offset)).reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
    }
}
