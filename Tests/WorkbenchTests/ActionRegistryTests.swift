import Keymap
import Testing
import Workbench

@Suite struct ActionRegistryTests {
    @Test func actionNamesAreKebabCaseAndUnique() {
        let names = Action.allCases.map(\.name)
        #expect(Set(names).count == names.count)
        for name in names {
            #expect(name.allSatisfy { $0.isLowercase || $0 == "-" }, "\(name)")
        }
        #expect(Action.allCases.allSatisfy { !$0.contexts.subtracting(Action.contexts).isEmpty == false })
    }
}
