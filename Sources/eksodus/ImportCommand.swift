import ArgumentParser
import EksodusCore
import Foundation

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Read cluster exports into the inventory.",
        discussion: """
        PATH is a file, a folder (searched recursively for .yaml, .yml and .json), or - for standard input.
        Links are followed, but each folder and file is read once; FIFOs, sockets and devices inside folders are skipped with a warning.
        An object read twice (same kind, namespace and name) is kept as last read, with a warning naming both places.
        Accepts multi-document YAML, JSON, `kind: List` and typed lists as written by `kubectl get -A -o yaml|json`,
        `helm template` output and Crane export folders. One import is one transaction: on any error the inventory is unchanged.
        Cluster facts: Nodes (`kubectl get nodes -o json`) keep their instance type, zone, capacity, architecture, OS, kubelet and
        runtime versions; `kubectl version -o json` output sets the cluster's version unless --kubernetes-version is given;
        `kubectl top pods -A --no-headers` saved to a file named on the command line (e.g. top.txt), and metrics.k8s.io PodMetrics
        lists, record measured pod usage for sizing. Of the kubectl.kubernetes.io/last-applied-configuration annotation only its
        apiVersion (the version the team's manifests are written in) is kept.
        A .tar, .tar.gz or .tgz (a Velero backup, a support bundle) is read straight from the archive, never extracted.
        Velero layouts (resources/<resource>.<group>/[<version>/]namespaces|cluster/...) read each object once, from its
        preferred group and version; Sonobuoy, troubleshoot and must-gather dumps are read for their objects only.
        Helm release Secrets and Tiller ConfigMaps are decoded in memory: chart, versions, status and the API versions of
        the rendered manifest are kept, never the values nor the manifest.

        Importing a cluster again merges: objects read now are added or replace their earlier reading (same kind, namespace
        and name), and nothing is removed, so objects deleted from the cluster since stay in the inventory. With --replace the
        cluster's inventory becomes exactly this export: objects it does not hold are removed with their workloads, volumes
        and unused images, in the same transaction, and checklist items of workloads that are gone become obsolete (the
        cutover commands skip them, `cutover status` counts them apart, `cutover log` keeps their history).
        Objects without ownerReferences (older exports, OpenShift lists) fold into the controller their labels and
        annotations name (created-by, pod-template-hash, StatefulSet pod names, job-name, deployment-config.name) when that
        controller is in the same namespace; OpenShift deployer and build pods are not workloads.

        On a terminal, a progress line on standard error shows the file being read (MB read of its size), files done of all,
        objects per second and the time left; nothing is drawn when standard error is piped, or with --quiet.

        Examples:
          eksodus import exports/prod/ --cluster prod --environment prod --kubernetes-version 1.24
          kubectl get deploy,sts,svc,ing,pvc,cm -A -o yaml | eksodus import - --cluster staging
          eksodus import backup-2024-06-01.tar.gz --cluster prod   # a Velero backup, read in place
        """
    )

    @Argument(help: ArgumentHelp("Files, folders, or - for standard input.", valueName: "path"))
    var paths: [String]

    @Option(help: "The cluster these objects come from.")
    var cluster: String

    @Option(help: "dev, staging, prod or other.")
    var environment: String?

    @Option(name: .customLong("kubernetes-version"), help: "The source cluster's Kubernetes version, e.g. 1.24 (default: from kubectl version -o json output among the paths).")
    var kubernetesVersion: String?

    @Option(name: [.customShort("n"), .customLong("namespace")], help: "The namespace of namespaced objects that name none.")
    var defaultNamespace = "default"

    @Flag(help: "Make the cluster's inventory exactly this export: remove what it no longer holds, mark vanished workloads' checklist items obsolete.")
    var replace = false

    @Option(name: [.short, .long], help: "Files parsed at once (default: one per core).")
    var jobs: Int = 0

    @Flag(name: [.short, .long], help: "No progress line and no warnings on standard error (progress is drawn only on a terminal).")
    var quiet = false

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        try FreeTextOption.check(defaultNamespace, option: "--namespace")
        let db = try database.open()
        let terminal = TerminalProgress.onTerminal(quiet: quiet)
        var report: (@Sendable (ImportProgress) -> Void)?
        if let terminal {
            report = { progress in terminal.draw { TerminalProgress.line(progress) } }
        }
        let importer = Importer(database: db, workers: jobs, progress: report)
        let request = ImportRequest(paths: paths, cluster: cluster, environment: environment,
                                    kubernetesVersion: kubernetesVersion, defaultNamespace: defaultNamespace, replace: replace)
        let summary: ImportSummary
        do {
            summary = try importer.run(request)
        } catch {
            terminal?.finish()
            throw error
        }
        terminal?.finish()
        if !quiet {
            for notice in summary.notices { printError("warning: \(notice)") }
            for warning in summary.warnings { printError("warning: \(warning)") }
        }
        print(ImportReport.text(summary))
    }
}
