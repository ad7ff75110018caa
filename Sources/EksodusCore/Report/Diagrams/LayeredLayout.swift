/// Places the nodes of a directed graph in columns (providers left of their consumers): each node's column is the
/// longest path that reaches it, and a few barycenter sweeps order each column to reduce edge crossings. Edges that close
/// a cycle are set aside for the layering (found by a depth-first search in node order, so the result is stable).
struct LayeredLayout {
    /// Column of each node.
    var layer: [Int]
    /// Row of each node within its column.
    var position: [Int]
    var columns: [[Int]]

    init(nodes: Int, edges: [(from: Int, to: Int)], sweeps: Int = 4) {
        var successors = Array(repeating: [Int](), count: nodes), predecessors = Array(repeating: [Int](), count: nodes)
        for edge in edges where edge.from != edge.to && edge.from < nodes && edge.to < nodes {
            successors[edge.from].append(edge.to)
        }
        // Depth-first search drops back edges; what remains is acyclic.
        var state = Array(repeating: 0, count: nodes)  // 0 new, 1 on the stack, 2 finished
        var order: [Int] = []
        var acyclic = Array(repeating: [Int](), count: nodes)
        for root in 0..<nodes where state[root] == 0 {
            var stack: [(node: Int, next: Int)] = [(root, 0)]
            state[root] = 1
            while var top = stack.popLast() {
                if top.next < successors[top.node].count {
                    let child = successors[top.node][top.next]
                    top.next += 1
                    stack.append(top)
                    if state[child] == 0 {
                        acyclic[top.node].append(child)
                        state[child] = 1
                        stack.append((child, 0))
                    } else if state[child] == 2 {
                        acyclic[top.node].append(child)
                    }
                } else {
                    state[top.node] = 2
                    order.append(top.node)
                }
            }
        }
        for (from, targets) in acyclic.enumerated() { for to in targets { predecessors[to].append(from) } }
        // Reverse finishing order is a topological order of the acyclic edges.
        var layer = Array(repeating: 0, count: nodes)
        for node in order.reversed() {
            for child in acyclic[node] { layer[child] = max(layer[child], layer[node] + 1) }
        }
        var columns = Array(repeating: [Int](), count: (layer.max() ?? -1) + 1)
        for node in 0..<nodes { columns[layer[node]].append(node) }
        var position = Array(repeating: 0, count: nodes)
        func renumber() { for column in columns { for (row, node) in column.enumerated() { position[node] = row } } }
        renumber()
        func barycenter(_ node: Int, _ neighbours: [Int]) -> Double {
            neighbours.isEmpty ? Double(position[node]) : Double(neighbours.reduce(0) { $0 + position[$1] }) / Double(neighbours.count)
        }
        for sweep in 0..<sweeps {
            let forward = sweep % 2 == 0
            for index in (forward ? Array(columns.indices.dropFirst()) : Array(columns.indices.dropLast().reversed())) {
                let keys = columns[index].map { node in (node, barycenter(node, forward ? predecessors[node] : acyclic[node])) }
                columns[index] = keys.sorted { ($0.1, position[$0.0]) < ($1.1, position[$1.0]) }.map(\.0)
                for (row, node) in columns[index].enumerated() { position[node] = row }
            }
        }
        self.layer = layer
        self.position = position
        self.columns = columns
    }
}
