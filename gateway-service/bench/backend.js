// A stand-in service for the benchmark: answers every request with a small JSON document, like GET /api/v1/runtimes.
const http = require('http');
const body = JSON.stringify([{language: 'python', version: '3.13', aliases: ['py'], extension: 'py', compiled: false}]);
http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body)});
    res.end(body);
  });
}).listen(Number(process.env.PORT || 18081), '127.0.0.1');
