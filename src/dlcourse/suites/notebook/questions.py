"""What each brief asks of a task, quoted (`[...]` marks a cut), and the notebook files the briefs ask for.

A task with no quote here gets its registered title as the question.
"""

from __future__ import annotations

from collections.abc import Callable

from dlcourse.suites.registry import Task

QUESTIONS: dict[str, str] = {
    "bath-a2/1": "Project the training data points in a 2-D space using PCA. [...] Why is PCA a good option to "
    "visualise data? Add plots to your report and discuss your observations. Which classes can be linearly separated?",
    "bath-a2/2": "Implement an iterative algorithm to train the single-layer perceptron [...] trains perceptrons on "
    "all digit pairs and plots all weight visualizations, error curves, and test accuracy graphs.",
    "bath-a2/3.1": "Create an MLP neural network architecture of the form [784,1000,1000,10] [...] Report the "
    "classification accuracy obtained after training is completed on both train and test data. [...] plot the "
    "training and testing curves [...] and discuss your observations about the learning curve behaviours.",
    "bath-a2/3.2": "Discuss how the number of layers/parameters affects the classification accuracy.",
    "bath-a2/4.1": "Create a CNN architecture of the shape [32, 64, 128] [...] We will use a kernel size of size "
    "4 × 4. Use a stride of 1 in the first convolutional layer, followed by a stride of 2 for the following layers.",
    "bath-a2/4.2": "This task is similar to Task 3.2, discussing how the number of layers and parameters affect CNN "
    "classification accuracy and how CNN results compare to MLPs.",
    "bath-a2/5": "Once your CNN (in Question 4) is trained, access its filters [...] and plot them on a grid for each "
    "layer. [...] plot the activations of each layer [...] for two images chosen from digit-classes '2' and '9'. "
    "[...] Create deep dream images for digit classes 2 and 9 and show these in your report.",
    "bath-a2/6.1": "Construct two separate CNN classifiers of identical structure (except their output dimensions), "
    "one for each of the two tasks. In other words, create a network for item classification and a network for "
    "item group classification.",
    "bath-a2/6.2": "Build one MTL model for the two MNIST fashion tasks. [...] a shared CNN backbone of three "
    "convolutional layers and a single shared dense layer [...] passed to two series of task-specific dense layers.",
    "fit3181-a1/1.1": "Activation function plays an important role in modern Deep NNs. In this question, we will "
    "explore some of them to get a deeper understanding of their characteristics and their advantages.",
    "fit3181-a1/1.2": "Assume that we feed a data point x with a ground-truth label y=3 (with index starting from 1 "
    "as in the lecture) to the feed-forward neural network with the ReLU activation function at hidden layers.",
    "fit3181-a1/1.3": "Assume that we are constructing a multilayered feed-forward neural network for a "
    "classification problem with three classes where the model parameters will be generated randomly.",
    "fit3181-a1/1.4": "In this question, we will take a step further on getting deeper understanding about gradient "
    "descent, one of the most important optimization techniques in deep learning.",
    "fit3181-a1/2.1-2.3": "Load the EMIST Datasets and Process Data; Split Data into Training, Validation, and "
    "Testing Datasets; [...] randomly show 36 images in training data [...] with labels.",
    "fit3181-a1/2.4": "We now develop a feed-forward neural network with the architecture 784 → 20 (ReLU) → 40 (ReLU) "
    "→ 10 (softmax). [...] You should train model in at least 20 epochs and evaluate the trained model on the test "
    "set.",
    "fit3181-a1/2.5-2.6": "Tune the number of neurons on the first and second hidden layers n1 ∈ {20,40}, "
    "n2 ∈ {20,40}, and the used activation function act ∈ {sigmoid, tanh, relu}. [...] Implement the label "
    "smoothing technique by yourself. [...] Try the label smoothing technique with α = {0.1, 0.15, 0.2} and report "
    "the performances.",
    "fit3181-a1/3.1": "Run the provided cells to train the default model and observe the learning curve. Then, report "
    "your observation (i.e. did the model learn well? If not, what is the problem? What would you do to improve it?).",
    "fit3181-a1/3.2": "Write the code of the YourModel class. [...] You'll only need to re-write the code for the "
    "build_cnn method in the YourModel class.",
    "fit3181-a1/3.3": "Compare two cases: (i) using the skip connection, and (ii) not using the skip connection. [...] "
    "report which case is better and if you confront overfitting in training.",
    "fit3181-a1/3.4": "Tune the num_blocks ∈ {2, 3, 4}, use_skip ∈ {True, False}, and learning_rate ∈ {0.001, "
    "0.0001}. Write your code for this tuning and report the result of the best model on the testing set.",
    "fit3181-a1/3.5-3.6": "Apply data augmentation to improve the performance. [...] Also, you need to incorporate "
    "early stopping to your training process. [...] observe the difference in performance between using data "
    "augmentation and not using it.",
    "fit3181-a1/3.7": "Incorporate data mixup technique to the above deep learning model and experiment its "
    "performance.",
    "fit3181-a1/3.8": "Attack your best obtained model with PGD, MIM, and FGSM attacks with ε = 0.0313, k = 20, "
    "η = 0.002 on the testing set. [...] report the robust accuracies. Also choose a random set of 20 clean images "
    "in the testing set and visualize the original and attacked images.",
    "fit3181-a1/3.9": "Train a robust model using adversarial training with PGD ε=0.0313, k=10, η=0.002. [...] store "
    "your best robust model in the folder ./models and load the model to evaluate the robust accuracies.",
    "fit3181-a1/3.10": "Read the SAM paper and try to apply this technique to the best obtained model and report the "
    "results.",
    "leiden-a1/1": "Experiment with both networks, trying various options: initializations, activations, "
    "optimizers (and their hyperparameters), regularizations (L1, L2, Dropout, no Dropout). [...] For optimizing "
    "your hyperparameters you should use a validation set (10% of the training set).",
    "leiden-a1/2": "Develop and train a CNN that would tell the time as correctly as possible. [...] 18000 grayscale "
    "images [...] The labels for each sample are represented by two integers [...] the hour and minute displayed "
    "by the clock.",
    "leiden-a1/2a": "Classification - treat this as a n-class classification problem. We suggest starting out with "
    "a smaller number of categories [...] (results in 24 categories in total) [...] increase the number of "
    "categories by using smaller intervals for grouping samples.",
    "leiden-a1/2b": "Regression - try to build a network that predicts the time using a single output node [...] "
    "What kind of loss function would you need to use for such a task? What kind of problems does such a "
    "representation have?",
    "leiden-a1/2c": "Multi-head models: your neural network can have multiple output heads e.g. one head for "
    "predicting hours and another head for predicting minutes. [...] Implement such a model and see how the "
    "performance of such a model compares to the previous models.",
    "leiden-a1/2d": "Label transformation (optional): think how the labels could be reformulated by using periodic "
    "functions (e.g. sine and cosine functions to represent the angles on the unit circle). How would you adapt "
    "your neural network to these kinds of labels?",
    "leiden-a1/2e": "Use the knowledge gained [...] to optimize your final models and decrease the error of telling "
    "the time as much as possible [...] You should also compare the different ways of representing your labels and "
    "different neural network output layer combinations.",
    "tbmi26/q1": "The shape of X_train and X_test has 4 values. What do each of these represent?",
    "tbmi26/q2": "Train a Fully Connected model that achieves above 45% accuracy on the test data. Provide a short "
    "description of your model and show the evaluation image.",
    "tbmi26/q3": "Compare the model from Q2 to the one you used for the MNIST dataset in the first assignment, in "
    "terms of size and test accuracy. Why do you think this dataset is much harder to classify than the MNIST "
    "handwritten digits?",
    "tbmi26/q4": "Train a CNN model that achieves at least 62% test accuracy. Provide a short description of your "
    "model and show the evaluation image.",
    "tbmi26/q5": "Compare the CNN model with the previous Fully Connected model. [...] Explain in your own words how "
    "this is possible.",
    "tbmi26/q6": "Train the CNN-model with added Dropout layers. Describe your changes and show the evaluation image.",
    "tbmi26/q7": "Compare the models from Q4 and Q6 in terms of the training accuracy, validation accuracy, and test "
    "accuracy. Explain the similarities and differences.",
    "tbmi26/q8": "Train the CNN model with added BatchNorm layers and show the evaluation image.",
    "tbmi26/q9": "When using BatchNorm one must take care to select a good minibatch size. Describe what problems "
    "might arise if the wrong minibatch size is used.",
    "tbmi26/q10": "Design and train a model that achieves at least 75% test accuracy in at most 25 epochs. Explain "
    "your model and motivate the design choices you have made and show the evaluation image.",
}


def question(task: Task) -> str:
    return QUESTIONS.get(task.id, task.title)


def _fit3181_part(task: Task) -> str:
    return f"A1_Part{task.name.split('.', 1)[0]}_Solutions"


# The notebook (without extension) each task goes in, per suite, as the briefs name them.
# bath-a2: "a Jupyter Notebook file named Assignment2_Group_number.ipynb"; fit3181-a1: one per Part;
# leiden-a1 ("Jupyter notebooks [...] and .py files of all the notebooks") and tbmi26 name no file.
NOTEBOOK_NAMES: dict[str, Callable[[Task, str], str]] = {
    "bath-a2": lambda task, group: f"Assignment2_Group_{group}",
    "fit3181-a1": lambda task, group: _fit3181_part(task),
    "leiden-a1": lambda task, group: "Assignment1",
    "tbmi26": lambda task, group: "tbmi26_lab",
}


def notebook_name(task: Task, group: str) -> str:
    return NOTEBOOK_NAMES.get(task.suite, lambda t, g: t.suite)(task, group)
