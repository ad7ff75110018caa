/// The shell functions runbook steps call, written once beside the runbook (`runbook-lib.sh`) instead of into each step.
/// Thousands of DNS lowerings, switches and scale-downs ran the same gates with other arguments (on the bench estate, most of
/// the runbook's 160 MB of commands): a step now says what it checks in one call whose arguments are its names, each one a
/// shell word (`ShellQuote.word`), and the function reads them as `"$1"`, `"$2"`…, so no value of a manifest becomes code.
///
/// The text is stored with the plan (a section of its own) and written by `report` beside `runbook.csv`, and printed by
/// `eksodus cutover library`: the file a step sources is the one its plan was made with. A step that calls the library starts
/// with `load`, which sources the file `EKSODUS_RUNBOOK_LIB` names (defining functions and one variable is all it does)
/// and fails unless that file is this library's version: an old copy beside a new plan would run other gates.
enum RunbookLibrary {
    static let fileName = "runbook-lib.sh"

    /// Each module's function definitions, in order: bash text that defines functions only.
    static let parts: [String] = [DNSLowering.library, SourceSoak.library, SourceReplicas.library, SourceAutoscalers.library, SmokeProbe.library, TargetHealthGate.library, TrafficSwitch.library, SourceRoleTrust.library, NodePortSwitch.library, SourceScaleDown.library, HeldIngressChecks.library, Kubectl.library, CronJobIdle.library, CronJobEnable.library, CronJobHandBack.library, RedisReplicas.library, PostgresStandby.library, PostgresPreflight.library, PostgresSlotBound.library, NodeDataCopy.library, VeleroCopy.library]

    static let body: String = parts.joined(separator: "\n")

    /// The first 12 hex digits of the SHA-256 of every function the library defines: what `load` checks.
    static let version: String = DigestHex.sha256(check + body, digits: 12)

    static let text: String = """
        # eksodus runbook library: the shell functions the runbook's steps call (bash, GNU coreutils, jq, kubectl, AWS CLI v2).
        # Keep it beside the runbook and point the steps at it before running any: export EKSODUS_RUNBOOK_LIB="$PWD/\(fileName)"
        # (written by eksodus report beside runbook.csv, and by: eksodus cutover library > \(fileName)). Sourcing it only
        # defines functions and the version the steps check; every step that calls them sources it again.
        # shellcheck shell=bash
        EKSODUS_RUNBOOK_LIB_VERSION='\(version)'

        """ + check + body

    /// Puts `load` first in `commands` when a line calls a library function (every name starts `eksodus_`) and no `load`
    /// comes before it: a step made by a module that did not load the library still loads it.
    static func loadFirst(_ commands: inout [String]) {
        guard let call = commands.firstIndex(where: { $0 != load && !$0.hasPrefix("#") && $0.containsBytes("eksodus_") }) else { return }
        if !commands[..<call].contains(load) { commands.insert(load, at: 0) }
    }

    /// The first command of a step that calls the library: sources it, then checks it is this version (a library that
    /// lacks `eksodus_lib_is`, from before, fails as well).
    /// `|| false`, not `&&`: under `set -e` a failure left of `&&` does not stop the script.
    static let load = ". \"${EKSODUS_RUNBOOK_LIB:?eksodus cutover library > \(fileName), then export its path}\" || false; eksodus_lib_is \(version)"

    /// `eksodus_lib_is VERSION`: the version check of `load`.
    static let check = """
        # eksodus_lib_is VERSION: fails unless this library is VERSION, the one the step calling it was planned with.
        eksodus_lib_is() {
          [ "$1" = "$EKSODUS_RUNBOOK_LIB_VERSION" ] || { echo "$EKSODUS_RUNBOOK_LIB is version $EKSODUS_RUNBOOK_LIB_VERSION, not this plan's $1: write it again with eksodus cutover library" >&2; return 1; }
        }

        """
}
