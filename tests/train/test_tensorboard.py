import torch

from dlcourse.models import mlp
from dlcourse.train import TrainConfig, fit
from dlcourse.train.tensorboard import TensorBoardLogger, tensorboard_available


def test_tensorboard_logger_writes_events(tmp_path):
    assert tensorboard_available(), "the dev extra installs tensorboard"
    logger = TensorBoardLogger(tmp_path)
    x, y = torch.randn(40, 3), torch.randint(0, 2, (40,))
    fit(mlp([3, 4, 2]), (x, y), TrainConfig(epochs=2, batch_size=10), evals={"test": (x, y)}, callbacks=[logger])
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    events = EventAccumulator(str(tmp_path))
    events.Reload()
    assert "test_acc" in events.Tags()["scalars"]
    assert [e.step for e in events.Scalars("train_loss")] == [1, 2]
