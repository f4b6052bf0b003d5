import Foundation

/// Numbers out of `JSONSerialization`, as text.
protocol NSNumberLike { var textValue: String { get } }

extension NSNumber: NSNumberLike {
    var textValue: String { stringValue }
}
