import PayServices

/// Composition of the services the command line and the console share.
enum ServiceWiring {
    /// The worker's jobs, in the order each round runs them.
    static func workerJobs() -> [any WorkerJob] {
        [NotificationJob(), ExpiryJob()]
    }
}
