import ArgumentParser
import EksodusCore

struct CutoverLibraryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "library", abstract: "Print the shell functions the plan's steps call (runbook-lib.sh).",
        discussion: """
        The runbook's steps source the file EKSODUS_RUNBOOK_LIB names and check it is the library their plan was made
        with. eksodus report writes it beside runbook.csv; this prints the same text.

        Examples:
          eksodus cutover library > runbook-lib.sh && export EKSODUS_RUNBOOK_LIB="$PWD/runbook-lib.sh"
          eksodus cutover library --plan q3-move
        """
    )

    @OptionGroup var selection: PlanSelection
    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let text = try PlanStore.runbookLibrary(try database.openReadOnly(), name: selection.name)
        guard !text.isEmpty else {
            throw ValidationError("this plan was made before the runbook library existed: its steps call none (run eksodus plan again for one)")
        }
        print(text, terminator: "")
    }
}
