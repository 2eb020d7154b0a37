// aws-local-stepfunctions 3.0.0 calls Promise.withResolvers (Node 22+); preload with NODE_OPTIONS=--require=./polyfill.cjs on Node 20.
if (typeof Promise.withResolvers !== 'function') Promise.withResolvers = function withResolvers() {
  let resolve, reject; const promise = new this((res, rej) => { resolve = res; reject = rej; }); return { promise, resolve, reject }; };
