/** The fixed names of Linkerd's control plane and viz extension (pure: the plug-in and the health definition read them). */
export const LINKERD_NAMESPACE = "linkerd";
export const LINKERD_VIZ_NAMESPACE = "linkerd-viz";
/** The annotation that has Linkerd's injector add its proxy to a namespace's pods. */
export const LINKERD_INJECT_ANNOTATION = "linkerd.io/inject";
/** The annotation of ports a pod's outbound connections reach without the proxy. */
export const SKIP_OUTBOUND_PORTS_ANNOTATION = "config.linkerd.io/skip-outbound-ports";
/** linkerd-viz's bundled Prometheus: its Service `prometheus`, port 9090. */
export const LINKERD_PROMETHEUS_URL = `http://prometheus.${LINKERD_VIZ_NAMESPACE}.svc.cluster.local:9090`;
