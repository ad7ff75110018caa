import Foundation
import XCTest

/// Validates eksctl configs against eksctl's published JSON Schema (`../shared/reference/eksctl/schema.json`) with python3's
/// jsonschema and PyYAML, all in one process; skips (throws XCTSkip) when any of the three is missing.
func validateEksctlConfigs(_ configs: [(name: String, yaml: String)], test: XCTestCase) throws {
    let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/reference/eksctl/schema.json")
    guard FileManager.default.fileExists(atPath: schema.path) else { throw XCTSkip("../shared/reference/eksctl/schema.json is not beside this checkout") }
    let folder = try temporaryFolder(test)
    guard try runPython(["-c", "import yaml, jsonschema"], in: folder).status == 0 else { throw XCTSkip("python3 with PyYAML and jsonschema is not installed") }
    var paths: [String] = []
    for (index, config) in configs.enumerated() {
        let file = folder.appendingPathComponent("\(index).yaml")
        try config.yaml.write(to: file, atomically: true, encoding: .utf8)
        paths.append(file.path)
    }
    let check = """
        import json, sys, yaml, jsonschema
        validator = jsonschema.Draft7Validator(json.load(open(sys.argv[1])))
        for path in sys.argv[2:]:
            for error in validator.iter_errors(yaml.safe_load(open(path, encoding="utf-8"))):
                print(path, "/".join(str(p) for p in error.absolute_path), error.message[:300])
        """
    let result = try runPython(["-c", check, schema.path] + paths, in: folder)
    let names = Dictionary(uniqueKeysWithValues: zip(paths, configs.map(\.name)))
    var output = result.output
    for (path, name) in names { output = output.replacingOccurrences(of: path, with: name) }
    XCTAssertEqual(result.status, 0, output)
    XCTAssertEqual(output, "", "schema violations")
}

private func runPython(_ arguments: [String], in folder: URL) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3"] + arguments
    process.currentDirectoryURL = folder
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, output)
}
