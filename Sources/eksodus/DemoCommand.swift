import ArgumentParser
import EksodusCore
import Foundation

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run eksodus on the bundled sample estate (two clusters) in a fresh inventory.",
        discussion: """
        Examples:
          eksodus demo
          eksodus demo --out acme/ && eksodus cutover list --db acme/eksodus.db
        """
    )

    @Option(help: ArgumentHelp("Folder for the sample, the inventory and the reports (default: a new temporary folder).", valueName: "dir"))
    var out: String?

    func run() throws {
        let folder = out.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("eksodus-demo-\(ProcessInfo.processInfo.processIdentifier)")
        let result = try Demo(folder: folder).run()
        print(result.summary, terminator: "")
    }
}
