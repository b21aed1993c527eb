// A synthetic cluster's `kubectl get pods,nodes,services,endpointslices -A -o json`, shaped like
// the real thing (metadata, spec, status of every object), for the context benchmark and the
// 10,000-pod test: `nodes` nodes with a /24 pod CIDR each, `pods` pods spread over them, one
// service with an EndpointSlice per 10 pods.
export function syntheticCluster(pods: number, nodes = Math.max(1, Math.ceil(pods / 100))): unknown {
  const items: unknown[] = [];
  const created = (i: number): string => new Date(Date.UTC(2026, 10, 20, 8, 0, 0) + i * 1000).toISOString().replace('.000Z', 'Z');
  for (let n = 0; n < nodes; n++) {
    items.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: `node-${n}`,
        uid: `node-uid-${n}`,
        creationTimestamp: created(n),
        labels: { 'kubernetes.io/hostname': `node-${n}`, 'kubernetes.io/os': 'linux' },
      },
      spec: { podCIDR: `10.${100 + (n >> 8)}.${n & 255}.0/24`, podCIDRs: [`10.${100 + (n >> 8)}.${n & 255}.0/24`] },
      status: {
        addresses: [
          { type: 'InternalIP', address: `192.168.${n >> 8}.${(n & 255) + 1 > 254 ? 254 : (n & 255) + 1}` },
          { type: 'Hostname', address: `node-${n}` },
        ],
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
        nodeInfo: { kubeletVersion: 'v1.33.2', containerRuntimeVersion: 'containerd://1.7.27', osImage: 'Ubuntu 24.04.2 LTS' },
      },
    });
  }
  for (let i = 0; i < pods; i++) {
    const n = i % nodes;
    const host = 2 + Math.floor(i / nodes);
    const ip = `10.${100 + (n >> 8)}.${n & 255}.${host % 254}`;
    const app = `app-${Math.floor(i / 10)}`;
    items.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${app}-7d9f8c6b5-${i.toString(36).padStart(5, '0')}`,
        namespace: `ns-${i % 20}`,
        uid: `pod-uid-${i}`,
        creationTimestamp: created(nodes + i),
        labels: { app, 'pod-template-hash': '7d9f8c6b5' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-7d9f8c6b5`, uid: `rs-${app}`, controller: true }],
      },
      spec: {
        nodeName: `node-${n}`,
        serviceAccountName: 'default',
        containers: [{ name: 'main', image: 'registry.example/app:1.0', ports: [{ containerPort: 8080, protocol: 'TCP' }] }],
      },
      status: {
        phase: 'Running',
        hostIP: `192.168.${n >> 8}.${(n & 255) + 1}`,
        podIP: ip,
        podIPs: [{ ip }],
        startTime: created(nodes + i),
        qosClass: 'BestEffort',
      },
    });
  }
  for (let s = 0; s * 10 < pods; s++) {
    const ns = `ns-${(s * 10) % 20}`;
    items.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `app-${s}`, namespace: ns, uid: `svc-uid-${s}` },
      spec: {
        type: 'ClusterIP',
        clusterIP: `10.96.${s >> 8}.${s & 255}`,
        clusterIPs: [`10.96.${s >> 8}.${s & 255}`],
        ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }],
        selector: { app: `app-${s}` },
      },
    });
  }
  return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items };
}
