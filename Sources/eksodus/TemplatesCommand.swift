import ArgumentParser
import EksodusCore
import Foundation

struct TemplatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates",
        abstract: "The report templates: write the bundled ones out for a team to change.",
        subcommands: [TemplatesExportCommand.self]
    )
}

struct TemplatesExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the bundled report templates, and a README of the variables each receives, into DIR.",
        discussion: """
        Edit the copies and pass the folder to eksodus report --templates DIR; a template the folder lacks falls back to the
        bundled one. Existing files are left alone unless --force is given.

        Examples:
          eksodus templates export team-templates/
          eksodus report all --templates team-templates/
        """
    )

    @Argument(help: ArgumentHelp("The folder to write (created if needed).", valueName: "dir"))
    var folder: String

    @Flag(help: "Overwrite templates already in the folder.")
    var force = false

    func run() throws {
        for path in try ReportRenderer.exportTemplates(to: URL(fileURLWithPath: folder), overwrite: force) { print(path) }
    }
}
