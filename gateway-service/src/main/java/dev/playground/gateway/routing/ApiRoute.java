package dev.playground.gateway.routing;

/** Where one public API request goes and the rules it is held to on the way. */
public record ApiRoute(Downstream target, Budget budget, BodyKind body, TimeoutKind timeout) {
}
