module github.com/kenlsp/ken

go 1.26.8
