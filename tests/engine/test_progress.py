from dlcourse.train.progress import epoch_line, eta_seconds, format_duration


def test_format_duration():
    assert format_duration(45.4) == "45 s"
    assert format_duration(185) == "3 min 05 s"
    assert format_duration(7620) == "2 h 07 min"


def test_eta_leaves_out_the_warm_up_epoch():
    assert eta_seconds([10.0, 4.0, 6.0], remaining=2) == 10.0
    assert eta_seconds([10.0], remaining=3) == 30.0
    assert eta_seconds([10.0, 4.0], remaining=0) == 0.0


def test_epoch_line_fits_100_columns():
    row = {"epoch": 12, "train_loss": 0.123456, "train_acc": 0.98765, "test_loss": 1.23456, "test_acc": 0.91234}
    row |= {"val_loss": 0.5, "val_acc": 0.9, "seconds": 1234.5}
    line = epoch_line("model 3 of 5: mlp-5x512", row, 25, eta_seconds([1234.5] * 12, 13))
    assert len(line) <= 100
    assert line.startswith("model 3 of 5: mlp-5… 12/25 train 0.123 98.8% test 1.235 91.2%")
    assert line.endswith("1234 s 4 h 27 min left")
