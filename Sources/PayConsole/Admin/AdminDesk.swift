import PayCore

/// What the admin screens ask of the services: merchants, business lines, channel accounts,
/// routes and risk lists (issue 14). The composition root implements it over the onboarding
/// services; tests implement it over the real services or a fake. Every call is checked
/// against the operator logged in (`ConsoleServices.act`) before it changes anything.
@MainActor
public protocol AdminDesk: AnyObject {}
