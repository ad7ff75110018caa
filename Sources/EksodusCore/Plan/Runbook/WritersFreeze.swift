/// A freeze that stops a workload's writers but keeps its pods running, for a copy that reads the data through them
/// (Velero's file-system backup, a tar through a source pod that mounts a node-local claim): scaled down, there is
/// nothing to read. The pods are checked Running; the writers are the engineer's to stop (its consumers, or its
/// maintenance mode), as nothing in the manifests says which they are.
enum WritersFreeze {
    /// `reads`: what reads through the pods ("the backup"); `needs`: why they must run, for the failure message.
    static func keepingPods(_ workload: Estate.Workload, reads: String, needs: String) -> (commands: [String], rollback: [String]) {
        let source = Kubectl.source(workload.namespace, tool: Kubectl.tool(for: workload))
        let running: String
        if let selector = LabelSelector.matching(workload.templateLabels) {
            running = source("get pods -l \(ShellQuote.word(selector)) -o jsonpath='{range .items[*]}{.status.phase}{\"\\n\"}{end}'")
                + " | awk '{ n++ } $1 != \"Running\" { bad = 1 } END { exit bad || n == 0 }' || { echo "
                + ShellQuote.word("the pods of \(workload.label) are not all Running (or none was found): \(needs)") + " >&2; false; }"
        } else {
            running = ShellQuote.comment("check the pods of \(workload.label) run (its labels make no selector): \(needs)")
        }
        return ([ShellQuote.comment("stop the writers of \(workload.label) (its consumers, or its maintenance mode) but keep its pods running: they are what \(reads) reads"),
                 running],
                ["# let its writers resume: the source never stopped"])
    }
}
