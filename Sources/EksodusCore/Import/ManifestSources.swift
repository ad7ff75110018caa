import Foundation

/// The files an import reads: each PATH is a file, a folder (searched recursively for .yaml, .yml and .json,
/// in sorted order, hidden entries skipped), or `-` for standard input.
public enum ManifestSources {
    public static let extensions: Set<String> = ["yaml", "yml", "json"]
    public static let standardInput = "-"

    public enum SourceError: Error, CustomStringConvertible {
        case missing(String)
        case empty(String)

        public var description: String {
            switch self {
            case .missing(let path): return "\(path): no such file or folder"
            case .empty(let path): return "\(path): no .yaml, .yml or .json files in this folder"
            }
        }
    }

    public static func expand(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        let manager = FileManager.default
        for path in paths {
            if path == standardInput {
                files.append(path)
                continue
            }
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { throw SourceError.missing(path) }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let found = try walk(path)
            if found.isEmpty { throw SourceError.empty(path) }
            files.append(contentsOf: found)
        }
        return files
    }

    private static func walk(_ folder: String) throws -> [String] {
        let manager = FileManager.default
        var result: [String] = []
        let names = try manager.contentsOfDirectory(atPath: folder).sorted()
        // A Crane export keeps failed API reads in failures/ beside resources/: those are not objects.
        let isCraneExport = names.contains("resources") && names.contains("failures")
        for name in names where !name.hasPrefix(".") {
            let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                if isCraneExport && name == "failures" { continue }
                result.append(contentsOf: try walk(path))
            } else if let dot = name.lastIndex(of: "."), extensions.contains(name[name.index(after: dot)...].lowercased()) {
                result.append(path)
            }
        }
        return result
    }
}
