import Foundation
import XCTest
@testable import EksodusCore

/// The definitions copy saves the broker's JSON and nothing else: rabbitmqctl's progress messages on stdout would head the
/// saved file and the import on EKS would refuse it.
extension EngineCopyGateTests {
    func testTheSavedDefinitionsAreTheBrokersJSONAlone() throws {
        let definitions = try item("definitions:prod/data/rabbitmq", in: try demo()).commands
        let export = try XCTUnwrap(definitions.first { $0.contains("export_definitions") }, "\(definitions)")
        let work = try temporaryFolder(self)
        // kubectl runs the pod's `sh -c SCRIPT` here; rabbitmqctl talks on stdout as the real one does, then writes the file.
        let script = """
            kubectl() { while [ "$1" != "--" ]; do shift; done; shift; "$@"; }
            rabbitmqctl() {
              case " $* " in *" --quiet "*|*" -q "*) ;; *) echo "Exporting definitions in JSON to a file at \\"$2\\" ..." ;; esac
              for last; do :; done; mkdir -p "$(dirname "./pod$last")"; printf '{"vhosts":[{"name":"shop"}]}\\n' > "./pod$last"
            }
            cat() { command cat "./pod$1"; }
            rm() { command rm "${1}" "./pod$2"; }
            sh() { shift; eval "$1"; }
            \(export)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = work
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, export)
        let saved = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: work.path).first { $0.hasSuffix(".definitions.json") })
        let data = try Data(contentsOf: work.appendingPathComponent(saved))
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: data), String(decoding: data, as: UTF8.self))
    }
}
