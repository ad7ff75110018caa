import ArgumentParser
import EksodusCore

extension InventoryQuery.Listing: ExpressibleByArgument {}

struct InventoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inventory",
        abstract: "List what the inventory holds: clusters, workloads, images, volumes, services, ingresses, nodes, templates or Helm releases (helm).",
        discussion: """
        Tables read like kubectl's: access modes as RWO/ROX/RWX/RWOP, sizes and memory as Gi/Mi, and -o wide adds the long
        columns (an image's registry, repository, tag, digest and normalised name; a workload's images). JSON, YAML and CSV carry
        every column with data types kept: numbers as numbers (sizes and memory in bytes), booleans as booleans, lists as arrays
        (space-separated in CSV).

        Examples:
          eksodus inventory clusters
          eksodus inventory workloads --cluster prod -n shop -o wide
          eksodus inventory volumes -o json | jq '.[] | select(.size_bytes > 100*1024*1024*1024)'
        """
    )

    @Argument(help: ArgumentHelp("What to list.", valueName: InventoryQuery.Listing.allCases.map(\.rawValue).joined(separator: "|")))
    var listing: InventoryQuery.Listing

    @Option(help: "Only this cluster.")
    var cluster: String?

    @Option(name: [.short, .long], help: "Only this namespace.")
    var namespace: String?

    @Option(name: [.short, .customLong("output")], help: "How to print the list.")
    var output: OutputFormat = .table

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let db = try database.openReadOnly()
        try ClusterScope.require(cluster, in: db)
        let table = try InventoryQuery(cluster: cluster, namespace: namespace).table(listing, in: db)
        print(TableRenderer.render(table, as: output), terminator: "")
    }
}
