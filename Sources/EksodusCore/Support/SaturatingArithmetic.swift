/// Sums and products of quantities read from exports: each one fits an Int (`Quantity` refuses the rest), but a hostile
/// export can make their sum or product overflow, which traps. Saturating at Int.max keeps "more than anything" true
/// for every comparison the plan makes, without crashing.
extension Int {
    func saturatingAdding(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }

    func saturatingMultiplied(by other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? ((self < 0) == (other < 0) ? .max : .min) : product
    }
}
