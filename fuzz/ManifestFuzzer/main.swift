#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import EksodusCore

// libFuzzer drives this through LLVMFuzzerRunDriver (its own main is left out: SwiftPM gives every executable its
// main). The bytes are read as a manifest stream and every object is written as the JSON body an import stores.
// A ManifestSyntaxError is a correct answer; any other error, a crash, a timeout or a memory blow-up is a finding.

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ testOneInput: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, count in
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    do {
        for object in try ManifestText.objects(bytes: bytes, name: "<fuzz>") { _ = JSONWriter.string(object) }
    } catch is ManifestSyntaxError {
    } catch {
        fatalError("not a ManifestSyntaxError: \(error)")
    }
    return 0
})
