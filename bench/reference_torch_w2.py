"""Reference for bench/fused.ts, workload W2 of issue 12: pollution.csv, target pm2.5 with DEWP, TEMP, PRES and
Iws as inputs, gaps interpolated linearly (leading gaps take the first value), MinMax on all data, 24-step
sliding windows, first 80 % of the rows for training; LSTM(64) -> Linear(1), Adam(1e-3, eps 1e-7), MSE,
batch 64, shuffled. Times (wall clock and CPU time of the process) one training epoch, then a forward pass (no_grad, batches of 256) over all windows.
Usage: reference_torch_w2.py CSV THREADS. Prints one JSON object."""
import json, sys, time
import numpy as np
import pandas as pd
import torch

path, threads = sys.argv[1], int(sys.argv[2])
torch.set_num_threads(threads)
torch.manual_seed(1)
time_steps, batch = 24, 64
frame = pd.read_csv(path)[["pm2.5", "DEWP", "TEMP", "PRES", "Iws"]].astype(np.float64)
frame = frame.interpolate(limit_direction="forward").bfill()
data = frame.to_numpy()
data = (data - data.min(axis=0)) / (data.max(axis=0) - data.min(axis=0))
split = int(len(data) * 0.8)

def windows(part):
    n = len(part) - time_steps
    idx = np.arange(time_steps)[None, :] + np.arange(n)[:, None]
    x = part[idx]
    y = part[time_steps:, 0:1]
    return torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)

train_x, train_y = windows(data[:split])
test_x, test_y = windows(data[split:])

class W2(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(5, 64, batch_first=True)
        self.dense = torch.nn.Linear(64, 1)
    def forward(self, x):
        _, (h, _) = self.lstm(x)
        return self.dense(h[-1])

model = W2()
opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
loss_fn = torch.nn.MSELoss()
start, cpu = time.perf_counter(), time.process_time()
order = torch.randperm(len(train_x))
for b in range(0, len(train_x), batch):
    i = order[b:b + batch]
    opt.zero_grad()
    loss = loss_fn(model(train_x[i]), train_y[i])
    loss.backward()
    opt.step()
epoch_seconds, epoch_cpu = time.perf_counter() - start, time.process_time() - cpu
all_x = torch.cat([train_x, test_x])
start, cpu = time.perf_counter(), time.process_time()
with torch.no_grad():
    predictions = torch.cat([model(all_x[b:b + 256]) for b in range(0, len(all_x), 256)])
eval_seconds, eval_cpu = time.perf_counter() - start, time.process_time() - cpu
with torch.no_grad():
    test_rmse = float(torch.sqrt(torch.mean((model(test_x) - test_y) ** 2)))
print(json.dumps({"epochSeconds": epoch_seconds, "evalSeconds": eval_seconds, "epochCpuSeconds": epoch_cpu, "evalCpuSeconds": eval_cpu, "windows": len(all_x),
                  "trainWindows": len(train_x), "testRmse": test_rmse, "threads": torch.get_num_threads(),
                  "torch": torch.__version__}))
