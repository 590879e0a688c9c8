"""Reference for bench/run.ts: the Keras SimpleRNN sunspots tutorial in PyTorch, same data preparation,
model (RNN(3, tanh) + Linear(1) + tanh), Adam(1e-3, eps 1e-7), MSE, batch 1, shuffled, 20 epochs.
Prints one JSON object: seconds of training, train and test RMSE (scaled), threads used."""
import json, sys, time
import numpy as np
import pandas as pd
import torch

torch.set_num_threads(1)
torch.manual_seed(1)
np.random.seed(1)
path, epochs, time_steps = sys.argv[1], int(sys.argv[2]), 12
data = pd.read_csv(path).iloc[:, 1].to_numpy(dtype=np.float64)
data = (data - data.min()) / (data.max() - data.min())
split = int(len(data) * 0.8)

def get_xy(dat):
    y_ind = np.arange(time_steps, len(dat), time_steps)
    y = dat[y_ind]
    x = dat[: time_steps * len(y)].reshape(len(y), time_steps, 1)
    return torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32).reshape(-1, 1)

train_x, train_y = get_xy(data[:split])
test_x, test_y = get_xy(data[split:])

class Tutorial(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = torch.nn.RNN(1, 3, nonlinearity='tanh', batch_first=True)
        self.dense = torch.nn.Linear(3, 1)
    def forward(self, x):
        _, h = self.rnn(x)
        return torch.tanh(self.dense(h[-1]))

model = Tutorial()
opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
loss_fn = torch.nn.MSELoss()
start = time.perf_counter()
for epoch in range(epochs):
    for i in torch.randperm(len(train_x)):
        opt.zero_grad()
        loss = loss_fn(model(train_x[i:i + 1]), train_y[i:i + 1])
        loss.backward()
        opt.step()
seconds = time.perf_counter() - start
with torch.no_grad():
    rmse = lambda x, y: float(torch.sqrt(torch.mean((model(x) - y) ** 2)))
    print(json.dumps({"seconds": seconds, "trainRmse": rmse(train_x, train_y), "testRmse": rmse(test_x, test_y),
                      "threads": torch.get_num_threads(), "torch": torch.__version__}))
